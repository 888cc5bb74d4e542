package io.nexus.server.tasks;

import org.jspecify.annotations.Nullable;

/**
 * Where the task API reads a task's usage and own budget (the usage module keeps them).
 */
public interface TaskUsageSource {

	/**
	 * What the task's agents reported spending.
	 * @param id the task
	 * @return the sums, or {@code null} if nothing was reported
	 */
	@Nullable TaskUsage usage(TaskId id);

	/**
	 * The task's own budget.
	 * @param id the task
	 * @return the budget given at creation, or {@code null}
	 */
	@Nullable TaskBudget budget(TaskId id);

}
