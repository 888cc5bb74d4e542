package io.nexus.server.analytics;

import org.jspecify.annotations.Nullable;

/**
 * How the tasks of one agent or one capability ended in a range.
 *
 * @param key the agent id or the capability
 * @param completed tasks completed
 * @param failed tasks failed
 */
public record Outcomes(String key, long completed, long failed) {

	/**
	 * The share that completed.
	 * @return 0 to 1, or {@code null} if none finished
	 */
	public @Nullable Double successRate() {
		long finished = this.completed + this.failed;
		return (finished == 0) ? null : (double) this.completed / finished;
	}

}
