package io.nexus.server.governance;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

/**
 * The approval a task needs, where it stands, and who decided what.
 *
 * @param taskId the task
 * @param requestedBy the task's creator, who may not approve it
 * @param policyId the placement policy that required it, or {@code null} for the task's
 * own {@code approval} field
 * @param policyVersion that policy's version, 0 without one
 * @param spec the approvers, count and timeouts
 * @param state where it stands
 * @param stage 1 for the first approver group, 2 after an escalation
 * @param requestedAt when the task began to await approval (at the current stage)
 * @param deadlineAt when the current stage times out
 * @param decidedAt when it was approved, rejected, expired or closed
 * @param decisions every approval and rejection, oldest first
 */
public record TaskApproval(TaskId taskId, String requestedBy, @Nullable String policyId, long policyVersion,
		ApprovalSpec spec, State state, int stage, @Nullable Instant requestedAt, @Nullable Instant deadlineAt,
		@Nullable Instant decidedAt, List<Decision> decisions) {

	public TaskApproval {
		decisions = List.copyOf(decisions);
	}

	/**
	 * Who may approve now.
	 * @return the first group, or the escalation group at stage 2
	 */
	public ApprovalSpec.Approvers approvers() {
		ApprovalSpec.Escalation escalation = this.spec.escalateTo();
		return (this.stage == 2 && escalation != null) ? escalation.approvers() : this.spec.approvers();
	}

	/**
	 * How many distinct people approved so far.
	 * @return the approvals
	 */
	public long approvals() {
		return this.decisions.stream().filter((decision) -> decision.decision() == Verdict.APPROVED).count();
	}

	/**
	 * The policy and version that required it.
	 * @return such as {@code pol_1a2b@3}, or {@code null} for the task's own field
	 */
	public @Nullable String policyRef() {
		return (this.policyId != null) ? this.policyId + "@" + this.policyVersion : null;
	}

	/**
	 * Where an approval stands.
	 */
	public enum State {

		/** The task's dependencies are not met yet; nobody has been asked. */
		WAITING,
		/** The task awaits approval until the deadline. */
		OPEN,
		/** Enough people approved; the task was queued. */
		APPROVED,
		/** Someone rejected it; the task was cancelled. */
		REJECTED,
		/** Nobody decided in time; the task was cancelled. */
		EXPIRED,
		/** The task ended otherwise (cancelled by hand, a failed dependency). */
		CLOSED;

		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

		public static State fromWireName(String value) {
			return valueOf(value.toUpperCase(Locale.ROOT));
		}

	}

	/**
	 * What one person decided.
	 */
	public enum Verdict {

		/** For. */
		APPROVED,
		/** Against. */
		REJECTED;

		public String wireName() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * One person's decision.
	 *
	 * @param approver who
	 * @param decision for or against
	 * @param stage at which stage
	 * @param comment why, if they said
	 * @param decidedAt when
	 */
	public record Decision(String approver, Verdict decision, int stage, @Nullable String comment, Instant decidedAt) {

	}

}
