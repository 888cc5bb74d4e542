package io.nexus.bench;

import java.time.Duration;

/**
 * What a load run does.
 *
 * @param agents how many SDK agents run the tasks
 * @param concurrency the {@code max_concurrency} of each agent
 * @param work how long each handler sleeps ({@link Duration#ZERO}: returns at once)
 * @param rate tasks created per second
 * @param duration how long tasks are created
 * @param warmup the first part of the run, left out of the histograms
 * @param batch tasks per request (1: {@code POST /api/tasks})
 * @param senders HTTP sender threads
 * @param drainTimeout how long completions may stall after the load before giving up
 * @param giveUpAfter from the start, when to stop sending and waiting, so that a run
 * against a server that falls far behind stays bounded; {@link Duration#ZERO}: never
 */
record LoadSettings(int agents, int concurrency, Duration work, int rate, Duration duration, Duration warmup, int batch,
		int senders, Duration drainTimeout, Duration giveUpAfter) {

	LoadSettings {
		require(agents >= 1, "--agents must be at least 1");
		require(concurrency >= 1 && concurrency <= 1000, "--concurrency must be 1 to 1000");
		require(rate >= 1, "--rate must be at least 1");
		require(batch >= 1 && batch <= 1000, "--batch must be 1 to 1000");
		require(rate >= batch, "--rate must be at least --batch");
		require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
		require(!warmup.isNegative() && warmup.compareTo(duration) < 0, "--warmup must be shorter than --duration");
		require(senders >= 1, "--senders must be at least 1");
		require(giveUpAfter.isZero() || giveUpAfter.compareTo(duration) > 0,
				"--give-up-after must be 0 or longer than --duration");
	}

	/** How many requests the run sends. */
	long requests() {
		return (long) this.rate * this.duration.toSeconds() / this.batch;
	}

	/** How many tasks the run creates. */
	long tasks() {
		return requests() * this.batch;
	}

	/**
	 * When to stop sending and waiting, from the intended start; never without a limit.
	 */
	long giveUpNanos(long startNanos) {
		return this.giveUpAfter.isZero() ? Long.MAX_VALUE : startNanos + this.giveUpAfter.toNanos();
	}

	/** Nanoseconds between the intended send times of consecutive requests. */
	double requestIntervalNanos() {
		return 1e9 * this.batch / this.rate;
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}
