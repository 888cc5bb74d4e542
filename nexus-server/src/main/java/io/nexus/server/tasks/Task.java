package io.nexus.server.tasks;

import java.time.Instant;
import java.util.List;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import org.jspecify.annotations.Nullable;

/**
 * A task as stored.
 *
 * @param id its id
 * @param title a short title
 * @param description what to do
 * @param priority how urgent it is
 * @param category what kind of work it is
 * @param status where it is in its lifecycle
 * @param statusReason why it reached its status
 * @param requiredCapabilities what an agent must be able to do to run it
 * @param dependencies tasks that must complete first
 * @param payloadJson the input, as JSON text
 * @param resultJson the output, as JSON text
 * @param estimatedDuration the estimate, minutes
 * @param actualDuration how long it took, minutes
 * @param maxAttempts how many times it may be tried
 * @param attempts how many times it has been tried
 * @param timeoutSeconds how long one attempt may run
 * @param idempotencyKey the client's key, if any
 * @param assignedAgent the agent that holds it
 * @param leaseEpoch the fencing number of the current assignment
 * @param retryOf the task this one retries
 * @param createdBy who created it
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param queuedAt when it last became ready
 * @param assignedAt when it was last assigned
 * @param startedAt when an agent last accepted it
 * @param finishedAt when it reached a terminal state
 * @param notBefore when a queued task may be dispatched again (retry backoff)
 * @param deadlineAt when the running attempt times out
 * @param progress percent done, as last reported
 * @param progressMessage the last progress note
 * @param reservedFor the disconnected agent this task waits for, if any
 * @param traceparent the W3C trace context the task was created in, if traced
 * @param fairnessKey who the task is for in fair share (a team, a customer), if anyone
 * @param seq the storage order, for paging
 * @param unreadable the stored values that could not be read (their fields are
 * {@code null}); empty when everything was read
 * @param agentSelector the labels of the agents it may run on, or {@code null} for any
 */
public record Task(TaskId id, String title, @Nullable String description, TaskPriority priority,
		@Nullable String category, TaskStatus status, @Nullable String statusReason, List<String> requiredCapabilities,
		List<TaskId> dependencies, @Nullable String payloadJson, @Nullable String resultJson,
		@Nullable Integer estimatedDuration, @Nullable Integer actualDuration, int maxAttempts, int attempts,
		int timeoutSeconds, @Nullable String idempotencyKey, @Nullable AgentId assignedAgent, long leaseEpoch,
		@Nullable TaskId retryOf, String createdBy, Instant createdAt, Instant updatedAt, @Nullable Instant queuedAt,
		@Nullable Instant assignedAt, @Nullable Instant startedAt, @Nullable Instant finishedAt,
		@Nullable Instant notBefore, @Nullable Instant deadlineAt, @Nullable Double progress,
		@Nullable String progressMessage, @Nullable AgentId reservedFor, @Nullable String traceparent,
		@Nullable String fairnessKey, long seq, List<UnreadableValue> unreadable,
		@Nullable AgentSelector agentSelector) {

	public Task {
		unreadable = List.copyOf(unreadable);
	}

	/**
	 * A task without an agent selector, as most are.
	 */
	public Task(TaskId id, String title, @Nullable String description, TaskPriority priority, @Nullable String category,
			TaskStatus status, @Nullable String statusReason, List<String> requiredCapabilities,
			List<TaskId> dependencies, @Nullable String payloadJson, @Nullable String resultJson,
			@Nullable Integer estimatedDuration, @Nullable Integer actualDuration, int maxAttempts, int attempts,
			int timeoutSeconds, @Nullable String idempotencyKey, @Nullable AgentId assignedAgent, long leaseEpoch,
			@Nullable TaskId retryOf, String createdBy, Instant createdAt, Instant updatedAt,
			@Nullable Instant queuedAt, @Nullable Instant assignedAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, @Nullable Instant notBefore, @Nullable Instant deadlineAt,
			@Nullable Double progress, @Nullable String progressMessage, @Nullable AgentId reservedFor,
			@Nullable String traceparent, @Nullable String fairnessKey, long seq, List<UnreadableValue> unreadable) {
		this(id, title, description, priority, category, status, statusReason, requiredCapabilities, dependencies,
				payloadJson, resultJson, estimatedDuration, actualDuration, maxAttempts, attempts, timeoutSeconds,
				idempotencyKey, assignedAgent, leaseEpoch, retryOf, createdBy, createdAt, updatedAt, queuedAt,
				assignedAt, startedAt, finishedAt, notBefore, deadlineAt, progress, progressMessage, reservedFor,
				traceparent, fairnessKey, seq, unreadable, null);
	}

	/**
	 * This task as it is after a dispatcher's claim: assigned to the agent under the next
	 * lease epoch, one attempt more.
	 * @param agent the agent
	 * @param reason why this agent
	 * @param now when
	 * @return the claimed task
	 */
	public Task claimedBy(AgentId agent, String reason, Instant now) {
		return new Task(this.id, this.title, this.description, this.priority, this.category, TaskStatus.ASSIGNED,
				reason, this.requiredCapabilities, this.dependencies, this.payloadJson, this.resultJson,
				this.estimatedDuration, this.actualDuration, this.maxAttempts, this.attempts + 1, this.timeoutSeconds,
				this.idempotencyKey, agent, this.leaseEpoch + 1, this.retryOf, this.createdBy, this.createdAt, now,
				this.queuedAt, now, this.startedAt, this.finishedAt, null, null, null, null, null, this.traceparent,
				this.fairnessKey, this.seq, this.unreadable, this.agentSelector);
	}

	/**
	 * Why the payload could not be read, if it could not: such a task has no payload to
	 * deliver or to copy into a retry ({@link #payloadJson()} is {@code null}).
	 * @return the unreadable payload, or {@code null} if it was read
	 */
	public @Nullable UnreadableValue unreadablePayload() {
		return this.unreadable.stream()
			.filter((value) -> UnreadableValue.PAYLOAD.equals(value.column()))
			.findFirst()
			.orElse(null);
	}

	/**
	 * The lease under which the assigned agent holds this task.
	 * @return the lease, or {@code null} if no agent holds it
	 */
	public @Nullable Lease lease() {
		return (this.assignedAgent != null) ? new Lease(this.id, this.assignedAgent, this.leaseEpoch) : null;
	}

}
