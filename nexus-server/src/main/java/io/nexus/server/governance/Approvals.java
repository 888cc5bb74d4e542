package io.nexus.server.governance;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.governance.ApprovalEvent.TaskApproved;
import io.nexus.server.governance.ApprovalEvent.TaskRejected;
import io.nexus.server.governance.persistence.ApprovalRepository;
import io.nexus.server.security.MultiFactor;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.ForbiddenException;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.GatedTasks;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskService;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The approval gates' façade: people approve or reject tasks that await approval, and
 * read what awaits theirs. A decision locks the task's row, so that decisions on one task
 * (and the timeout sweep) take turns on every node.
 */
@Service
public class Approvals {

	private final ApprovalRepository approvals;

	private final GatedTasks gated;

	private final TaskService tasks;

	private final MultiFactor mfa;

	private final AuditLog audit;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	Approvals(ApprovalRepository approvals, GatedTasks gated, TaskService tasks, MultiFactor mfa, AuditLog audit,
			ApplicationEventPublisher events, Clock clock) {
		this.approvals = approvals;
		this.gated = gated;
		this.tasks = tasks;
		this.mfa = mfa;
		this.audit = audit;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * Approves a task; the approval that reaches {@code min_approvals} queues it.
	 * @param id the task
	 * @param caller who approves
	 * @param comment why, or {@code null}
	 * @param mfaCode a current one-time code, required when the caller has MFA
	 * @return the approval as it is now
	 */
	@Transactional
	public TaskApproval approve(TaskId id, Caller caller, @Nullable String comment, @Nullable String mfaCode) {
		Task task = this.gated.lock(id);
		TaskApproval approval = checkDecision(task, caller, mfaCode, "approval.approved");
		Instant now = this.clock.instant();
		this.approvals.decide(id, new TaskApproval.Decision(caller.name(), TaskApproval.Verdict.APPROVED,
				approval.stage(), comment, now));
		long approvals = approval.approvals() + 1;
		int needed = approval.spec().minApprovals();
		boolean released = approvals >= needed;
		if (released) {
			this.approvals.close(id, TaskApproval.State.APPROVED, now);
			List<String> names = new ArrayList<>();
			approval.decisions()
				.stream()
				.filter((decision) -> decision.decision() == TaskApproval.Verdict.APPROVED)
				.forEach((decision) -> names.add(decision.approver()));
			names.add(caller.name());
			this.gated.release(task, caller.name(), "approved by " + String.join(", ", names));
		}
		this.events.publishEvent(new TaskApproved(id, caller.name(), approvals, needed, released, now));
		return this.approvals.find(id).orElseThrow();
	}

	/**
	 * Rejects a task: it is cancelled ({@code approval_rejected}), and its dependents as
	 * for a failed dependency.
	 * @param id the task
	 * @param caller who rejects
	 * @param comment why, or {@code null}
	 * @param mfaCode a current one-time code, required when the caller has MFA
	 * @return the approval as it is now
	 */
	@Transactional
	public TaskApproval reject(TaskId id, Caller caller, @Nullable String comment, @Nullable String mfaCode) {
		Task task = this.gated.lock(id);
		TaskApproval approval = checkDecision(task, caller, mfaCode, "approval.rejected");
		Instant now = this.clock.instant();
		this.approvals.decide(id, new TaskApproval.Decision(caller.name(), TaskApproval.Verdict.REJECTED,
				approval.stage(), comment, now));
		this.approvals.close(id, TaskApproval.State.REJECTED, now);
		this.gated.refuse(task, caller.name(), "approval_rejected");
		this.events.publishEvent(new TaskRejected(id, caller.name(), (comment != null) ? comment : "", now));
		return this.approvals.find(id).orElseThrow();
	}

	private TaskApproval checkDecision(Task task, Caller caller, @Nullable String mfaCode, String action) {
		GatedTasks.checkAwaiting(task);
		TaskId id = task.id();
		TaskApproval approval = this.approvals.lock(id)
			.filter((found) -> found.state() == TaskApproval.State.OPEN)
			.orElseThrow(() -> new ConflictException("task_not_awaiting_approval",
					"Task '" + id + "' has no open approval", Map.of("task_id", id.value())));
		if (caller.name().equals(approval.requestedBy())) {
			this.audit.record(action, id.value(), AuditLog.DENIED, "four eyes: the creator of a task cannot decide it");
			throw new ForbiddenException("four_eyes",
					"You created task '" + id + "'; someone else must approve or reject it (four eyes)",
					Map.of("task_id", id.value()));
		}
		if (!approval.approvers().include(caller.name(), caller.role())) {
			this.audit.record(action, id.value(), AuditLog.DENIED, "not an approver");
			throw new ForbiddenException("not_an_approver",
					"Task '" + id + "' may be approved only by " + approval.approvers().describe(),
					Map.of("task_id", id.value(), "approvers", approval.approvers().describe()));
		}
		if (approval.decisions().stream().anyMatch((decision) -> decision.approver().equals(caller.name()))) {
			throw new ConflictException("already_decided", "You already decided on task '" + id + "'; "
					+ approval.spec().minApprovals() + " distinct approvers are needed", Map.of("task_id", id.value()));
		}
		// last, so that a one-time code is spent only on a decision that is recorded
		if (this.mfa.isEnabled(caller.name()) && !this.mfa.verify(caller.name(), mfaCode)) {
			this.audit.record(action, id.value(), AuditLog.FAILURE, "second factor missing or wrong");
			throw InvalidRequestException.unprocessable("mfa_code_invalid",
					"Deciding an approval needs a current one-time code of your second factor in mfa_code",
					Map.of("task_id", id.value()));
		}
		return approval;
	}

	/**
	 * The approval of a task, with its decisions.
	 * @param id the task
	 * @return the approval, or empty if the task needs none
	 */
	@Transactional(readOnly = true)
	public Optional<TaskApproval> of(TaskId id) {
		return this.approvals.find(id);
	}

	/**
	 * Tasks that await the caller's approval: they are among the current approvers, did
	 * not create the task and have not decided yet. Newest first.
	 * @param caller who asks
	 * @param page the page
	 * @return the tasks with their approvals
	 */
	@Transactional(readOnly = true)
	public Page<Awaiting> awaiting(Caller caller, PageRequest page) {
		List<ApprovalRepository.Awaiting> rows = this.approvals.awaiting(caller.name(), caller.role(), page.afterSeq(),
				page.limit() + 1);
		boolean more = rows.size() > page.limit();
		List<ApprovalRepository.Awaiting> shown = more ? rows.subList(0, page.limit()) : rows;
		List<Awaiting> items = new ArrayList<>();
		for (ApprovalRepository.Awaiting row : shown) {
			items.add(new Awaiting(this.tasks.get(row.taskId()), this.approvals.find(row.taskId()).orElseThrow()));
		}
		return new Page<>(items, more ? PageRequest.cursorAfter(shown.get(shown.size() - 1).seq()) : null);
	}

	/**
	 * How many tasks await the caller's approval, for the dashboard's badge.
	 * @param caller who asks
	 * @return the count
	 */
	@Transactional(readOnly = true)
	public long countAwaiting(Caller caller) {
		return this.approvals.countAwaiting(caller.name(), caller.role());
	}

	/**
	 * Who decides.
	 *
	 * @param name the user, or the owner of the API key used
	 * @param role their role, as on the wire
	 */
	public record Caller(String name, String role) {

	}

	/**
	 * A task in someone's inbox.
	 *
	 * @param task the task
	 * @param approval its approval
	 */
	public record Awaiting(Task task, TaskApproval approval) {

	}

}
