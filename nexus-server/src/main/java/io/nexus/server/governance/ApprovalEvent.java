package io.nexus.server.governance;

import java.time.Instant;

import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.TaskId;

/**
 * Something that happened to a task's approval, published in the transaction that did it
 * and acted on after its commit: audited, counted, and shown to people (the dashboard's
 * Approvals badge; webhooks when they exist).
 */
public sealed interface ApprovalEvent {

	/**
	 * The task.
	 * @return its id
	 */
	TaskId taskId();

	/**
	 * Who did it: a person, or {@code system} for a timeout.
	 * @return the actor
	 */
	String actor();

	/**
	 * When.
	 * @return the time
	 */
	Instant at();

	/**
	 * The audit action, such as {@code approval.requested}.
	 * @return the action
	 */
	String action();

	/**
	 * In words, for the audit log.
	 * @return the detail
	 */
	String detail();

	/**
	 * A task began to await approval.
	 *
	 * @param taskId the task
	 * @param actor who created it or released it from its dependencies
	 * @param approvers who may approve, in words
	 * @param policyRef the policy that required it, or {@code null}
	 * @param at when
	 * @param group who may approve (the notification's audience)
	 */
	record ApprovalRequested(TaskId taskId, String actor, String approvers, String policyRef, Instant at,
			ApprovalSpec.Approvers group) implements ApprovalEvent {

		@Override
		public String action() {
			return "approval.requested";
		}

		@Override
		public String detail() {
			return "approvers: " + this.approvers
					+ (this.policyRef.isEmpty() ? "" : "; required by policy " + this.policyRef);
		}

	}

	/**
	 * One person approved (the task is queued once enough did).
	 *
	 * @param taskId the task
	 * @param actor the approver
	 * @param approvals approvals so far
	 * @param needed approvals needed
	 * @param released whether this approval queued the task
	 * @param at when
	 */
	record TaskApproved(TaskId taskId, String actor, long approvals, int needed, boolean released,
			Instant at) implements ApprovalEvent {

		@Override
		public String action() {
			return "approval.approved";
		}

		@Override
		public String detail() {
			return this.approvals + " of " + this.needed + " approvals" + (this.released ? "; task queued" : "");
		}

	}

	/**
	 * A person rejected the task; it was cancelled.
	 *
	 * @param taskId the task
	 * @param actor the approver
	 * @param comment why, or empty
	 * @param at when
	 */
	record TaskRejected(TaskId taskId, String actor, String comment, Instant at) implements ApprovalEvent {

		@Override
		public String action() {
			return "approval.rejected";
		}

		@Override
		public String detail() {
			return "task cancelled (approval_rejected)" + (this.comment.isEmpty() ? "" : ": " + this.comment);
		}

	}

	/**
	 * Nobody decided in time; the task was cancelled.
	 *
	 * @param taskId the task
	 * @param actor {@code system}
	 * @param at when
	 */
	record ApprovalExpired(TaskId taskId, String actor, Instant at) implements ApprovalEvent {

		@Override
		public String action() {
			return "approval.expired";
		}

		@Override
		public String detail() {
			return "task cancelled (approval_expired)";
		}

	}

	/**
	 * Nobody of the first group decided in time; the second group has its own time now.
	 *
	 * @param taskId the task
	 * @param actor {@code system}
	 * @param approvers the second group, in words
	 * @param deadline until when they have
	 * @param at when
	 * @param group the second group (the notification's audience)
	 */
	record ApprovalEscalated(TaskId taskId, String actor, String approvers, Instant deadline, Instant at,
			ApprovalSpec.Approvers group) implements ApprovalEvent {

		@Override
		public String action() {
			return "approval.escalated";
		}

		@Override
		public String detail() {
			return "to " + this.approvers + " until " + this.deadline;
		}

	}

}
