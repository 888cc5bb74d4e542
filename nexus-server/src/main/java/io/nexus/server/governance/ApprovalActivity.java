package io.nexus.server.governance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.audit.AuditLog;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * What follows an approval event once its transaction committed: the audit entry
 * ({@code approval.requested}, {@code .approved}, {@code .rejected}, {@code .expired},
 * {@code .escalated}) and the {@code nexus_approvals_total} counter by outcome.
 */
@Component
class ApprovalActivity {

	private final AuditLog audit;

	private final MeterRegistry meters;

	ApprovalActivity(AuditLog audit, MeterRegistry meters) {
		this.audit = audit;
		this.meters = meters;
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onApprovalEvent(ApprovalEvent event) {
		this.audit.recordAs(event.actor(), event.action(), event.taskId().value(), AuditLog.SUCCESS, event.detail());
		String outcome = event.action().substring("approval.".length());
		Counter.builder("nexus.approvals")
			.description("Approval events by outcome: requested, approved, rejected, expired, escalated")
			.tag("outcome", outcome)
			.register(this.meters)
			.increment();
	}

}
