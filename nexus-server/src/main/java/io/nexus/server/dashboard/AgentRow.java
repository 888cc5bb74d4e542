package io.nexus.server.dashboard;

import java.time.Instant;

import io.nexus.server.agents.Agent;
import io.nexus.server.agents.QuarantineView;
import org.jspecify.annotations.Nullable;

/**
 * An agent as the dashboard lists it: the stored agent plus what its tasks say about it.
 *
 * @param agent the agent
 * @param active tasks it holds now (assigned or in progress)
 * @param completed tasks it completed
 * @param failed tasks that failed on it
 */
record AgentRow(Agent agent, long active, long completed, long failed) {

	/**
	 * Its quarantine as shown, or {@code null} if it is not in quarantine.
	 * @return the quarantine now
	 */
	public @Nullable QuarantineView quarantine() {
		return QuarantineView.of(this.agent.quarantine(), Instant.now());
	}

	/**
	 * The share of its finished tasks that succeeded.
	 * @return 0-100, or {@code null} before its first finished task
	 */
	public @Nullable Integer successRate() {
		long finished = this.completed + this.failed;
		return (finished == 0) ? null : (int) Math.round(100.0 * this.completed / finished);
	}

	/**
	 * How full it is.
	 * @return 0-100
	 */
	public int loadPercent() {
		int max = Math.max(1, this.agent.maxConcurrency());
		return (int) Math.min(100, Math.round(100.0 * this.active / max));
	}

}
