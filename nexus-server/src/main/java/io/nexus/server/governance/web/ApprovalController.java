package io.nexus.server.governance.web;

import java.time.Instant;
import java.util.List;

import io.nexus.server.governance.Approvals;
import io.nexus.server.governance.Approvals.Caller;
import io.nexus.server.governance.TaskApproval;
import io.nexus.server.security.Role;
import io.nexus.server.shared.NotFoundException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.shared.PlainText;
import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Approval gates: approve or reject a task that awaits approval (any role may call; the
 * task's approvers decide who may act), read a task's approval, and the caller's inbox
 * {@code GET /api/approvals}.
 */
@RestController
@Tag(name = "Approvals", description = "Tasks that need a person's approval before they run")
class ApprovalController {

	/** The longest comment on a decision. */
	static final int MAX_COMMENT = 1_000;

	private final Approvals approvals;

	private final JsonMapper json;

	ApprovalController(Approvals approvals, JsonMapper json) {
		this.approvals = approvals;
		this.json = json;
	}

	@PostMapping("/api/tasks/{id}/approve")
	@Operation(summary = "Approve a task that awaits approval",
			description = "403 four_eyes for the task's creator, 403 not_an_approver for someone not among its "
					+ "current approvers, 422 mfa_code_invalid without a current code when the caller has MFA, "
					+ "409 already_decided for a second decision by the same person, 409 "
					+ "task_not_awaiting_approval (with the task's status) in any other state. The approval that "
					+ "reaches min_approvals queues the task.")
	ApprovalResponse approve(@PathVariable String id,
			@Valid @RequestBody(required = false) @Nullable DecisionRequest request, Authentication caller) {
		DecisionRequest body = (request != null) ? request : new DecisionRequest(null, null);
		return ApprovalResponse
			.of(this.approvals.approve(new TaskId(id), callerOf(caller), body.comment(), body.mfaCode()));
	}

	@PostMapping("/api/tasks/{id}/reject")
	@Operation(summary = "Reject a task that awaits approval; it is cancelled (approval_rejected) with its dependents",
			description = "The same rules as approve.")
	ApprovalResponse reject(@PathVariable String id,
			@Valid @RequestBody(required = false) @Nullable DecisionRequest request, Authentication caller) {
		DecisionRequest body = (request != null) ? request : new DecisionRequest(null, null);
		return ApprovalResponse
			.of(this.approvals.reject(new TaskId(id), callerOf(caller), body.comment(), body.mfaCode()));
	}

	@GetMapping("/api/tasks/{id}/approval")
	@Operation(summary = "The approval a task needs: approvers, state, deadline and every decision")
	ApprovalResponse approval(@PathVariable String id) {
		TaskId taskId = new TaskId(id);
		return ApprovalResponse.of(this.approvals.of(taskId)
			.orElseThrow(() -> new NotFoundException("approval_not_found", "Task '" + id + "' needs no approval",
					java.util.Map.of("task_id", id))));
	}

	@GetMapping("/api/approvals")
	@Operation(summary = "Tasks awaiting the caller's approval, newest first",
			description = "Tasks whose current approvers include the caller (by role or name), that the caller did "
					+ "not create and has not decided yet.")
	Page<AwaitingResponse> awaiting(@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String cursor, Authentication caller) {
		return this.approvals.awaiting(callerOf(caller), PageRequest.of(limit, cursor))
			.map((item) -> AwaitingResponse.of(item, this.json));
	}

	static Caller callerOf(Authentication authentication) {
		return new Caller(authentication.getName(),
				Role.of(authentication.getAuthorities()).map(Role::wireName).orElse(""));
	}

	/**
	 * A decision.
	 *
	 * @param comment why, shown in the task's approval history
	 * @param mfaCode a current one-time code, required when the caller has MFA
	 */
	record DecisionRequest(@Nullable @Size(max = MAX_COMMENT) @PlainText(multiline = true) String comment,
			@Nullable @Size(max = 64) String mfaCode) {

	}

	/**
	 * A task's approval.
	 *
	 * @param taskId the task
	 * @param state waiting, open, approved, rejected, expired or closed
	 * @param stage 1, or 2 after an escalation
	 * @param requestedBy the task's creator, who may not decide it
	 * @param requiredByPolicy the placement policy that required it, as
	 * {@code id@version}; {@code null} for the task's own approval field
	 * @param approvers who may decide now
	 * @param minApprovals approvals needed
	 * @param approvals approvals so far
	 * @param spec the approval as required (approvers, timeouts, escalation)
	 * @param requestedAt when the current stage began
	 * @param deadlineAt when the current stage times out
	 * @param decidedAt when it ended
	 * @param decisions every decision, oldest first
	 */
	record ApprovalResponse(String taskId, String state, int stage, String requestedBy,
			@Nullable String requiredByPolicy, ApprovalSpec.Approvers approvers, int minApprovals, long approvals,
			ApprovalSpec spec, @Nullable Instant requestedAt, @Nullable Instant deadlineAt, @Nullable Instant decidedAt,
			List<DecisionResponse> decisions) {

		static ApprovalResponse of(TaskApproval approval) {
			return new ApprovalResponse(approval.taskId().value(), approval.state().wireName(), approval.stage(),
					approval.requestedBy(), approval.policyRef(), approval.approvers(), approval.spec().minApprovals(),
					approval.approvals(), approval.spec(), approval.requestedAt(), approval.deadlineAt(),
					approval.decidedAt(), approval.decisions().stream().map(DecisionResponse::of).toList());
		}

	}

	/**
	 * One decision.
	 *
	 * @param approver who
	 * @param decision approved or rejected
	 * @param stage at which stage
	 * @param comment why
	 * @param decidedAt when
	 */
	record DecisionResponse(String approver, String decision, int stage, @Nullable String comment, Instant decidedAt) {

		static DecisionResponse of(TaskApproval.Decision decision) {
			return new DecisionResponse(decision.approver(), decision.decision().wireName(), decision.stage(),
					decision.comment(), decision.decidedAt());
		}

	}

	/**
	 * A task in the caller's inbox.
	 *
	 * @param task what the task is
	 * @param approval its approval
	 */
	record AwaitingResponse(TaskSummary task, ApprovalResponse approval) {

		static AwaitingResponse of(Approvals.Awaiting item, JsonMapper json) {
			Task task = item.task();
			JsonNode payload = (task.payloadJson() != null) ? json.readTree(task.payloadJson()) : null;
			return new AwaitingResponse(
					new TaskSummary(task.id().value(), task.title(), task.description(), task.priority().wireName(),
							task.category(), task.createdBy(), task.createdAt(), payload),
					ApprovalResponse.of(item.approval()));
		}

	}

	/**
	 * What an approver sees of a task.
	 *
	 * @param id its id
	 * @param title its title
	 * @param description what to do
	 * @param priority its priority
	 * @param category its category
	 * @param createdBy who created it
	 * @param createdAt when
	 * @param payload its input
	 */
	record TaskSummary(String id, String title, @Nullable String description, String priority,
			@Nullable String category, String createdBy, Instant createdAt, @Nullable JsonNode payload) {

	}

}
