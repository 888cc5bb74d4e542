package io.nexus.server.tasks;

import io.nexus.server.audit.AuditLog;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Writes the audit events of questions to people once their change is committed:
 * {@code task.input_requested} (the notification that a person is needed),
 * {@code task.input_answered} and {@code task.input_expired}.
 */
@Component
class InputAudit {

	private final AuditLog audit;

	InputAudit(AuditLog audit) {
		this.audit = audit;
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onRequested(InputRequested event) {
		InputQuestion question = event.question();
		this.audit.recordAs("agent:" + question.agentId(), "task.input_requested", question.taskId().value(),
				AuditLog.SUCCESS, "request " + question.requestId() + ": " + question.prompt());
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onAnswered(InputAnswered event) {
		InputQuestion question = event.question();
		this.audit.recordAs(String.valueOf(question.answeredBy()), "task.input_answered", question.taskId().value(),
				AuditLog.SUCCESS, "request " + question.requestId());
	}

	@TransactionalEventListener(fallbackExecution = true)
	void onExpired(InputExpired event) {
		InputQuestion question = event.question();
		this.audit.recordAs("system", "task.input_expired", question.taskId().value(), AuditLog.FAILURE,
				"request " + question.requestId() + ": input_timeout");
	}

}
