package io.nexus.server.dispatch;

import java.util.List;
import java.util.Map;

import io.nexus.server.tasks.Task;

/**
 * An agent takes new work only in a status that accepts it ({@code active}, {@code busy})
 * and while its connection is not shutting down.
 */
final class AvailabilityRule implements EligibilityRule {

	@Override
	public boolean admits(Task task, Contender agent) {
		return admitsAny(agent);
	}

	@Override
	public boolean admitsAny(Contender agent) {
		return agent.agent().status().acceptsNewWork() && !agent.isClosing();
	}

	@Override
	public Refusal refusal(Task task, Contender agent) {
		String state = agent.agent().status().acceptsNewWork() ? "shutting down" : agent.agent().status().wireName();
		return new Refusal("agent_unavailable",
				"agent '" + agent.agent().id() + "' is " + state + " and takes no new work",
				Map.of("agent_id", agent.agent().id().value()));
	}

	@Override
	public String noneAdmits(Task task, List<? extends Contender> considered) {
		return "all " + considered.size()
				+ " capable agent(s) take no new work (paused, draining, shutting down or in maintenance)";
	}

}
