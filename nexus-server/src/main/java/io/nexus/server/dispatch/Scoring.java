package io.nexus.server.dispatch;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.nexus.server.tasks.Task;

/**
 * Chooses among eligible agents: the agent's priority score, plus up to 50 points for
 * free capacity, up to 30 for its recent success rate, minus up to 10 for slow
 * heartbeats; ties go to the smaller agent id, so the choice is deterministic.
 */
final class Scoring {

	private Scoring() {
	}

	static boolean eligible(ConnectedAgent agent, Task task) {
		return agent.takesWork() && agent.agent().hasCapabilities(task.requiredCapabilities());
	}

	static double score(ConnectedAgent agent) {
		int max = Math.max(1, agent.agent().maxConcurrency());
		double freeShare = (double) agent.freeSlots() / max;
		double latencyPenalty = Math.min(10, agent.latencyMillis() / 100);
		return agent.agent().priorityScore() + 50 * freeShare + 30 * agent.successRate() - latencyPenalty;
	}

	/**
	 * The best of agents already known to be eligible.
	 * @param eligible agents that passed {@link #eligible}
	 * @return the highest score, ties to the smaller id
	 */
	static Optional<ConnectedAgent> best(List<ConnectedAgent> eligible) {
		return eligible.stream()
			.max(Comparator.comparingDouble(Scoring::score)
				.thenComparing((ConnectedAgent agent) -> agent.id().value(), Comparator.reverseOrder()));
	}

	static String explain(ConnectedAgent agent, int candidates) {
		return String.format(Locale.ROOT,
				"auto: agent %s scored %.1f (priority_score %d, load %d/%d, success %.0f%%, latency %.0f ms) "
						+ "among %d eligible",
				agent.id(), score(agent), agent.agent().priorityScore(), agent.held(), agent.agent().maxConcurrency(),
				agent.successRate() * 100, agent.latencyMillis(), candidates);
	}

}
