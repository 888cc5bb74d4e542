package io.nexus.server.governance;

import java.util.List;
import java.util.Map;

import io.nexus.server.dispatch.Contender;
import io.nexus.server.dispatch.EligibilityRule;
import io.nexus.server.dispatch.Refusal;
import io.nexus.server.tasks.AgentSelector;
import io.nexus.server.tasks.Task;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * A task with an {@code agent_selector} runs only on agents whose labels it selects. Like
 * a capability, the task's author chose it: an operator's forced assignment overrides it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
class AgentSelectorRule implements EligibilityRule {

	@Override
	public boolean admits(Task task, Contender agent) {
		AgentSelector selector = task.agentSelector();
		return selector == null || selector.matches(agent.agent().labels());
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		AgentSelector selector = task.agentSelector();
		String id = agent.agent().id().value();
		String wanted = (selector != null) ? selector.describe() : "";
		return new Refusal(
				"agent_selector_mismatch", "agent '" + id + "' has labels " + agent.agent().labels()
						+ ", which the task's agent_selector (" + wanted + ") does not select",
				Map.of("agent_id", id, "agent_selector", wanted));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		AgentSelector selector = task.agentSelector();
		return "no connected agent with the capabilities matches the task's agent_selector ("
				+ ((selector != null) ? selector.describe() : "") + ")";
	}

}
