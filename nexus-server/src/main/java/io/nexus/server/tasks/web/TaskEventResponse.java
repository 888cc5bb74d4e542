package io.nexus.server.tasks.web;

import java.time.Instant;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.tasks.TaskEvent;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a task's history.
 *
 * @param seq its order
 * @param taskId the task
 * @param from the status before ({@code null} at creation)
 * @param to the status after
 * @param actor who made the change
 * @param reason why
 * @param agentId the agent involved
 * @param leaseEpoch the lease at the time
 * @param at when
 */
record TaskEventResponse(long seq, String taskId, @Nullable TaskStatus from, TaskStatus to, String actor,
		@Nullable String reason, @Nullable String agentId, long leaseEpoch, Instant at) {

	static TaskEventResponse of(TaskEvent event) {
		return new TaskEventResponse(event.seq(), event.taskId().value(), event.fromStatus(), event.toStatus(),
				event.actor(), event.reason(), event.agentId(), event.leaseEpoch(), event.occurredAt());
	}

}
