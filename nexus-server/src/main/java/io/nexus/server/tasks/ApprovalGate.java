package io.nexus.server.tasks;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Approval gates (governance implements them): which new tasks need a person's approval,
 * by their own {@code approval} field or by a placement policy, and the opening of that
 * request when such a task becomes ready. Every method runs in the caller's transaction,
 * so that the requirement is stored with the task and opened with its change of state.
 */
public interface ApprovalGate {

	/**
	 * What a new task needs, before it is stored.
	 * @param request the task
	 * @param actor who creates it
	 * @param retryOf the task it retries, whose requirement it inherits, if any
	 * @return the requirement, or {@code null} if it may run without approval
	 */
	@Nullable Requirement requirementOf(NewTask request, String actor, @Nullable TaskId retryOf);

	/**
	 * Stores the requirements of tasks just inserted; a task created
	 * {@code awaiting_approval} has its request opened now.
	 * @param tasks the new tasks that need approval, as inserted
	 * @param requirements their requirements, in the same order
	 */
	void recordAll(List<Task> tasks, List<Requirement> requirements);

	/**
	 * Opens the request of a pending task whose dependencies have just completed, if it
	 * needs approval.
	 * @param task the task, pending and locked
	 * @return whether it must now await approval instead of being queued
	 */
	boolean openIfRequired(Task task);

	/**
	 * Opens a request for a running task that exceeded its own budget and whose budget
	 * says {@code on_exceed: approval}: its own approvers if it had an approval, else
	 * operators and admins, one approval, the default timeout, rejected on timeout. A
	 * decision made on an earlier approval of the task does not count.
	 * @param task the task, locked, moving to {@code awaiting_approval}
	 */
	void openForBudget(Task task);

	/**
	 * What a task needs and why.
	 *
	 * @param spec the approvers, count and timeouts
	 * @param policyId the placement policy that required it, or {@code null} for the
	 * task's own field
	 * @param policyVersion that policy's version, 0 without one
	 */
	record Requirement(ApprovalSpec spec, @Nullable String policyId, long policyVersion) {

	}

}
