package io.nexus.server.dispatch;

import java.util.Locale;

/**
 * How much dispatch wants an eligible agent, with the terms that make it up.
 *
 * @param value the agent's priority score, plus up to 50 for free capacity and up to 30
 * for its success rate, minus up to 10 for a slow heartbeat round trip
 * @param priorityScore the agent's priority score
 * @param held the tasks it holds
 * @param maxConcurrency its slots
 * @param successRate its success rate, 0 to 1
 * @param latencyMillis its heartbeat round trip
 */
public record Score(double value, int priorityScore, int held, int maxConcurrency, double successRate,
		double latencyMillis) {

	/**
	 * The score and its terms in words.
	 * @return e.g.
	 * {@code scored 80.0 (priority_score 0, load 0/1, success 100%, latency 0 ms)}
	 */
	public String explanation() {
		return String.format(Locale.ROOT,
				"scored %.1f (priority_score %d, load %d/%d, success %.0f%%, latency %.0f ms)", this.value,
				this.priorityScore, this.held, this.maxConcurrency, this.successRate * 100, this.latencyMillis);
	}

}
