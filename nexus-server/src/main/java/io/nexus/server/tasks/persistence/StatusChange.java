package io.nexus.server.tasks.persistence;

import java.time.Instant;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

/**
 * One conditional status change of a task row.
 *
 * @param id the task
 * @param from the status it must still have
 * @param to the new status
 * @param reason why
 * @param agent the agent that holds it afterwards ({@code null} for none)
 * @param leaseEpoch the lease epoch afterwards
 * @param attemptsDelta how the attempt count changes: {@code 1} when an assignment
 * consumes an attempt, {@code -1} when a claim that was never sent gives it back (never
 * below zero), {@code 0} otherwise
 * @param actualDuration how long it took, minutes, if known
 * @param resultJson its output, if any
 * @param notBefore when a queued task may be dispatched again (retry backoff)
 * @param deadline when a running task times out
 * @param now when
 */
public record StatusChange(TaskId id, TaskStatus from, TaskStatus to, @Nullable String reason, @Nullable AgentId agent,
		long leaseEpoch, int attemptsDelta, @Nullable Integer actualDuration, @Nullable String resultJson,
		@Nullable Instant notBefore, @Nullable Instant deadline, Instant now) {

}
