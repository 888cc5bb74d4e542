package io.nexus.server.tasks;

import org.jspecify.annotations.Nullable;

/**
 * Budget policies (governance implements them): the budget that placement policies with
 * effect {@code budget} give a new task. Runs in the caller's transaction, before the
 * task is stored.
 */
public interface BudgetDefaults {

	/**
	 * The budget the first enabled budget policy that matches the task gives it.
	 * @param request the task
	 * @param actor who creates it
	 * @return that budget and the policy, or {@code null} if no budget policy matches
	 */
	@Nullable PolicyBudget budgetOf(NewTask request, String actor);

	/**
	 * A budget a policy gives.
	 *
	 * @param budget the budget
	 * @param policyRef the policy and version, such as {@code pol_1a2b@3}
	 */
	record PolicyBudget(TaskBudget budget, String policyRef) {

	}

}
