package io.nexus.server.tasks;

import java.time.Instant;

import io.nexus.protocol.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a task's history: a state change, who made it, and why.
 *
 * @param seq the order of the entry
 * @param taskId the task
 * @param fromStatus the status before ({@code null} at creation)
 * @param toStatus the status after
 * @param actor who made the change ({@code system} for automatic ones)
 * @param reason why
 * @param agentId the agent involved, if any
 * @param leaseEpoch the lease at the time
 * @param occurredAt when
 */
public record TaskEvent(long seq, TaskId taskId, @Nullable TaskStatus fromStatus, TaskStatus toStatus, String actor,
		@Nullable String reason, @Nullable String agentId, long leaseEpoch, Instant occurredAt) {

}
