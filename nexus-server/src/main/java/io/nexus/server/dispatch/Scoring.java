package io.nexus.server.dispatch;

import java.util.Comparator;

/**
 * Chooses among eligible agents: the agent's priority score, plus up to 50 points for
 * free capacity, up to 30 for its recent success rate, minus up to 10 for slow heartbeats
 * (1 point per 100 ms); ties go to the smaller agent id, so the choice is deterministic.
 */
final class Scoring {

	/** Higher score first, then the smaller agent id. */
	static final Comparator<Contender> BEST_FIRST = Comparator.comparingDouble(Scoring::value)
		.reversed()
		.thenComparing((Contender agent) -> agent.agent().id().value());

	private Scoring() {
	}

	static double value(Contender agent) {
		int max = Math.max(1, agent.agent().maxConcurrency());
		double freeShare = (double) Math.max(0, agent.agent().maxConcurrency() - agent.held()) / max;
		double latencyPenalty = Math.min(10, agent.latencyMillis() / 100);
		return agent.agent().priorityScore() + 50 * freeShare + 30 * agent.successRate() - latencyPenalty;
	}

	static Score score(Contender agent) {
		return new Score(value(agent), agent.agent().priorityScore(), agent.held(), agent.agent().maxConcurrency(),
				agent.successRate(), agent.latencyMillis());
	}

}
