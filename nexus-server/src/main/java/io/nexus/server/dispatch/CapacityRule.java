package io.nexus.server.dispatch;

import java.util.List;
import java.util.Map;

import io.nexus.server.tasks.Task;

/**
 * An agent takes a task only while it holds fewer than {@code max_concurrency}.
 */
final class CapacityRule implements EligibilityRule {

	@Override
	public boolean admits(Task task, Contender agent) {
		return admitsAny(agent);
	}

	@Override
	public boolean admitsAny(Contender agent) {
		return agent.held() < agent.agent().maxConcurrency();
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		return new Refusal("agent_full", "agent '" + agent.agent().id() + "' has no free slot (" + agent.held() + "/"
				+ agent.agent().maxConcurrency() + ")", Map.of("agent_id", agent.agent().id().value()));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		return "all " + considered.size() + " eligible agent(s) are full";
	}

}
