package io.nexus.server.tasks;

import java.time.Duration;

/**
 * Exponential backoff with jitter: attempt n waits {@code base * 2^(n-1)}, capped, then
 * scaled by a random factor between 0.5 and 1 so that retries of many tasks spread out.
 *
 * @param base the wait after the first attempt
 * @param max the longest wait
 */
record RetryPolicy(Duration base, Duration max) {

	Duration backoff(int attemptsSoFar, double random) {
		long exponent = Math.min(Math.max(attemptsSoFar - 1, 0), 30);
		long millis = Math.min(this.max.toMillis(), this.base.toMillis() * (1L << exponent));
		return Duration.ofMillis((long) (millis * (0.5 + random / 2)));
	}

}
