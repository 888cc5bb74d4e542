package io.nexus.sdk;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: before attempt {@code n} (from 0) the delay is
 * uniform in {@code [0, min(max, initial * 2^n))}, so that a fleet of agents that lost
 * the server at the same moment does not reconnect in lockstep.
 *
 * @param initial the ceiling of the first delay
 * @param max the largest ceiling
 */
record Backoff(Duration initial, Duration max) {

	Backoff {
		if (initial.isNegative() || initial.isZero()) {
			throw new IllegalArgumentException("Initial backoff must be positive, got " + initial);
		}
		if (max.compareTo(initial) < 0) {
			throw new IllegalArgumentException("Maximum backoff " + max + " is shorter than initial " + initial);
		}
	}

	/**
	 * The delay before a reconnection attempt.
	 * @param attempt how many attempts failed in a row, from 0
	 * @return the delay
	 */
	Duration delay(int attempt) {
		return delay(attempt, () -> ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * The delay before a reconnection attempt.
	 * @param attempt how many attempts failed in a row, from 0
	 * @param random a source of numbers in {@code [0, 1)}
	 * @return the delay
	 */
	Duration delay(int attempt, DoubleSupplier random) {
		return Duration.ofMillis((long) (ceiling(attempt).toMillis() * random.getAsDouble()));
	}

	/**
	 * The largest delay for an attempt.
	 * @param attempt how many attempts failed in a row, from 0
	 * @return {@code min(max, initial * 2^attempt)}
	 */
	Duration ceiling(int attempt) {
		double millis = this.initial.toMillis() * Math.pow(2, Math.max(0, attempt));
		return (millis >= this.max.toMillis()) ? this.max : Duration.ofMillis((long) millis);
	}

}
