package io.nexus.server.dispatch;

import java.util.List;
import java.util.Map;

import io.nexus.server.tasks.Task;

/**
 * An agent takes only tasks whose every required capability it has.
 */
final class CapabilityRule implements EligibilityRule {

	@Override
	public boolean admits(Task task, Contender agent) {
		return agent.agent().hasCapabilities(task.requiredCapabilities());
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		List<String> missing = agent.agent().missingCapabilities(task.requiredCapabilities());
		return new Refusal("capability_mismatch",
				"agent '" + agent.agent().id() + "' lacks required capabilities " + missing,
				Map.of("agent_id", agent.agent().id().value(), "missing", missing));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		List<String> missing = task.requiredCapabilities()
			.stream()
			.filter((capability) -> considered.stream()
				.noneMatch((agent) -> agent.agent().capabilities().contains(capability)))
			.toList();
		return missing.isEmpty() ? "no connected agent has all of the capabilities " + task.requiredCapabilities()
				: "no connected agent has capability " + String.join(", ", missing);
	}

}
