package io.nexus.cli;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one health check.
 *
 * @param name what was checked ({@code api}, {@code websocket}, ...)
 * @param status whether it is up
 * @param latencyMillis how long the check took, or {@code null} when it did not run
 * @param detail what was seen, for a human
 */
record CheckResult(String name, Status status, @Nullable Long latencyMillis, String detail) {

	static CheckResult up(String name, long latencyMillis, String detail) {
		return new CheckResult(name, Status.UP, latencyMillis, detail);
	}

	static CheckResult down(String name, @Nullable Long latencyMillis, String detail) {
		return new CheckResult(name, Status.DOWN, latencyMillis, detail);
	}

	static CheckResult skipped(String name, String detail) {
		return new CheckResult(name, Status.SKIPPED, null, detail);
	}

	/** Whether a check passed; {@code SKIPPED} checks do not count as down. */
	enum Status {

		UP, DOWN, SKIPPED

	}

}
