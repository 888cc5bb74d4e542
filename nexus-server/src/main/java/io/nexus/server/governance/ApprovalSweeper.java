package io.nexus.server.governance;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.governance.ApprovalEvent.ApprovalEscalated;
import io.nexus.server.governance.ApprovalEvent.ApprovalExpired;
import io.nexus.server.governance.persistence.ApprovalRepository;
import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.GatedTasks;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ends approvals past their deadline, on every node every
 * {@code nexus.governance.approvals.sweep-interval}: a first group that did not decide in
 * time hands over to the escalation group (once, with its own timeout) when the approval
 * says so; otherwise the task is cancelled with reason {@code approval_expired}. Each
 * approval is handled in its own transaction that locks the task, then re-reads the
 * approval and acts only if it is still open and due, so that exactly one node acts on
 * it. Also keeps the {@code nexus_tasks_awaiting_approval} gauge.
 */
@Component
class ApprovalSweeper {

	private static final Logger logger = LoggerFactory.getLogger(ApprovalSweeper.class);

	private static final String SYSTEM = "system";

	private final ApprovalRepository approvals;

	private final GatedTasks gated;

	private final ApprovalRequirements requirements;

	private final ApprovalProperties properties;

	private final TransactionTemplate transaction;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final AtomicLong awaiting = new AtomicLong();

	ApprovalSweeper(ApprovalRepository approvals, GatedTasks gated, ApprovalRequirements requirements,
			ApprovalProperties properties, TransactionTemplate transaction, ApplicationEventPublisher events,
			Clock clock, MeterRegistry meters) {
		this.approvals = approvals;
		this.gated = gated;
		this.requirements = requirements;
		this.properties = properties;
		this.transaction = transaction;
		this.events = events;
		this.clock = clock;
		Gauge.builder("nexus.tasks.awaiting.approval", this.awaiting, AtomicLong::get)
			.description("Tasks awaiting a person's approval, whole fleet, as of the last sweep")
			.register(meters);
	}

	@Scheduled(fixedDelayString = "${nexus.governance.approvals.sweep-interval:5s}")
	void sweep() {
		try {
			sweep(this.clock.instant());
		}
		catch (RuntimeException ex) {
			// the database is away: the next sweep tries again; deadlines are stored
			logger.debug("Could not sweep approvals: {}", ex.getMessage());
		}
	}

	/**
	 * Ends or escalates every approval due at a time.
	 * @param now the time to judge deadlines by
	 * @return how many approvals this call expired or escalated
	 */
	int sweep(Instant now) {
		List<TaskId> due = this.approvals.due(now, this.properties.sweepBatch());
		int acted = 0;
		for (TaskId id : due) {
			Boolean done = this.transaction.execute((status) -> settle(id, now));
			acted += Boolean.TRUE.equals(done) ? 1 : 0;
		}
		this.awaiting.set(this.approvals.countOpen());
		return acted;
	}

	private boolean settle(TaskId id, Instant now) {
		Task task = this.gated.lock(id);
		TaskApproval approval = this.approvals.lock(id).orElse(null);
		if (approval == null || approval.state() != TaskApproval.State.OPEN || approval.deadlineAt() == null
				|| approval.deadlineAt().isAfter(now)) {
			// another node acted first, or a decision came in
			return false;
		}
		if (task.status() != io.nexus.protocol.TaskStatus.AWAITING_APPROVAL) {
			// cancelled or closed by hand while it waited
			this.approvals.close(id, TaskApproval.State.CLOSED, now);
			return false;
		}
		ApprovalSpec.Escalation escalation = approval.spec().escalateTo();
		if (approval.stage() == 1 && approval.spec().onTimeout() == ApprovalSpec.OnTimeout.ESCALATE
				&& escalation != null) {
			Instant deadline = now.plus(this.requirements.timeout(escalation.timeoutSeconds()));
			if (this.approvals.escalate(id, now, deadline)) {
				this.gated.note(task, SYSTEM,
						"approval_escalated to " + escalation.approvers().describe() + " until " + deadline);
				this.events.publishEvent(new ApprovalEscalated(id, SYSTEM, escalation.approvers().describe(), deadline,
						now, escalation.approvers()));
				logger.info("Approval of task {} escalated to {} until {}", id, escalation.approvers().describe(),
						deadline);
				return true;
			}
			return false;
		}
		if (!this.approvals.close(id, TaskApproval.State.EXPIRED, now)) {
			return false;
		}
		this.gated.refuse(task, SYSTEM, "approval_expired");
		this.events.publishEvent(new ApprovalExpired(id, SYSTEM, now));
		logger.info("Approval of task {} expired; the task is cancelled", id);
		return true;
	}

}
