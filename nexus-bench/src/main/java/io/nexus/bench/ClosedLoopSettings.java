package io.nexus.bench;

import java.time.Duration;
import java.util.List;

/**
 * What a closed-loop run does: the peer queues' workload
 * ({@code ../shared/peers/common.mjs}).
 *
 * @param agents how many SDK agents run the tasks
 * @param concurrency the {@code max_concurrency} of each agent
 * @param work how long each handler sleeps ({@link Duration#ZERO}: returns at once)
 * @param warmupTasks tasks created in bulk and again one by one before measuring (each)
 * @param bulkTasks tasks of the bulk phase
 * @param chunk tasks per {@code POST /api/tasks/batch}
 * @param singleTasks tasks of the single phase, one awaited {@code POST /api/tasks} each
 * @param phases the measured phases to run, in order: {@code bulk}, {@code single}
 * @param phaseTimeout how long one phase may take before it is reported as incomplete
 */
record ClosedLoopSettings(int agents, int concurrency, Duration work, int warmupTasks, int bulkTasks, int chunk,
		int singleTasks, List<String> phases, Duration phaseTimeout) {

	static final List<String> PHASES = List.of("bulk", "single");

	ClosedLoopSettings {
		require(agents >= 1, "--agents must be at least 1");
		require(concurrency >= 1 && concurrency <= 1000, "--concurrency must be 1 to 1000");
		require(warmupTasks >= 0, "--warmup-tasks must not be negative");
		require(bulkTasks >= 1, "--bulk-tasks must be at least 1");
		require(chunk >= 1 && chunk <= 1000, "--chunk must be 1 to 1000");
		require(singleTasks >= 1, "--single-tasks must be at least 1");
		require(PHASES.containsAll(phases), "--phases takes bulk and/or single");
		require(!phaseTimeout.isNegative() && !phaseTimeout.isZero(), "--phase-timeout must be positive");
		phases = List.copyOf(phases);
	}

	/** How many requests it takes to create {@code tasks} tasks in chunks. */
	int chunks(int tasks) {
		return (tasks + this.chunk - 1) / this.chunk;
	}

	/** The size of chunk {@code index} (from 0) when creating {@code tasks} tasks. */
	int chunkSize(int tasks, int index) {
		return Math.min(this.chunk, tasks - index * this.chunk);
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}
