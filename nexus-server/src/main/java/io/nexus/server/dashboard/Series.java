package io.nexus.server.dashboard;

import java.util.List;

/**
 * Finished tasks over time, one bucket per label, ready for a chart.
 *
 * @param labels the bucket labels
 * @param completed tasks completed in each bucket
 * @param failed tasks failed in each bucket
 * @param completionRate percent of finished tasks that completed, per bucket
 * ({@code null} when none finished)
 */
record Series(List<String> labels, List<Long> completed, List<Long> failed, List<Integer> completionRate) {

	long totalCompleted() {
		return this.completed.stream().mapToLong(Long::longValue).sum();
	}

	long totalFailed() {
		return this.failed.stream().mapToLong(Long::longValue).sum();
	}

}
