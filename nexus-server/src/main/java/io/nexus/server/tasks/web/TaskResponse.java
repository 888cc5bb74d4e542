package io.nexus.server.tasks.web;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.tasks.AgentPresence;
import io.nexus.server.tasks.AgentSelector;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskBudget;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskUsage;
import io.nexus.server.tasks.TaskUsageSource;
import io.nexus.server.tasks.UnreadableValue;
import org.jspecify.annotations.Nullable;

/**
 * A task as the API shows it.
 *
 * @param id its id
 * @param title its title
 * @param description what to do
 * @param priority how urgent it is
 * @param category what kind of work it is
 * @param status where it is in its lifecycle
 * @param statusReason why it reached that status
 * @param requiredCapabilities what an agent must be able to do
 * @param dependencies tasks that must complete first
 * @param payload its input
 * @param result its output
 * @param estimatedDuration the estimate, minutes
 * @param actualDuration how long it took, minutes
 * @param maxAttempts how many times it may be tried
 * @param attempts how many times it has been tried
 * @param timeoutSeconds how long one attempt may run
 * @param idempotencyKey the client's key
 * @param assignedAgentId the agent that holds or held it
 * @param leaseEpoch the fencing number of the current assignment
 * @param retryOf the task this one retries
 * @param createdBy who created it
 * @param createdAt when
 * @param updatedAt when it last changed
 * @param queuedAt when it last became ready
 * @param assignedAt when it was last assigned
 * @param startedAt when an agent last accepted it
 * @param finishedAt when it finished
 * @param progress percent done, as last reported by the agent
 * @param progressMessage the agent's last progress note
 * @param notBefore when a task waiting for a retry may run again
 * @param reservedFor the disconnected agent a manual assignment waits for
 * @param waitingReason why a task that is not running yet waits
 * @param fairnessKey who the task is for in fair share, if anyone
 * @param unreadable the stored values that could not be read, each as
 * {@code <column>: <why>} (such as {@code payload: integrity check failed} or
 * {@code result: key k123 missing}); such a value is {@code null} above. Empty when
 * everything was read
 * @param agentSelector the labels of the agents it may run on, or {@code null} for any
 * @param usage what its agents reported spending (only on {@code GET /api/tasks/{id}};
 * {@code null} before the first report)
 * @param budget its own budget (only on {@code GET /api/tasks/{id}})
 * @param runAt the time it was created to run at, if any (on {@code GET /api/tasks/{id}}
 * also once it ran; elsewhere only while it waits for it)
 */
record TaskResponse(String id, String title, @Nullable String description, TaskPriority priority,
		@Nullable String category, TaskStatus status, @Nullable String statusReason, List<String> requiredCapabilities,
		List<String> dependencies, @JsonRawValue @Nullable String payload, @JsonRawValue @Nullable String result,
		@Nullable Integer estimatedDuration, @Nullable Integer actualDuration, int maxAttempts, int attempts,
		int timeoutSeconds, @Nullable String idempotencyKey, @Nullable String assignedAgentId, long leaseEpoch,
		@Nullable String retryOf, String createdBy, Instant createdAt, Instant updatedAt, @Nullable Instant queuedAt,
		@Nullable Instant assignedAt, @Nullable Instant startedAt, @Nullable Instant finishedAt,
		@Nullable Double progress, @Nullable String progressMessage, @Nullable Instant notBefore,
		@Nullable String reservedFor, @Nullable String waitingReason, @Nullable String fairnessKey,
		List<String> unreadable, @Nullable AgentSelector agentSelector, @Nullable TaskUsage usage,
		@Nullable TaskBudget budget, @Nullable Instant runAt) {

	static TaskResponse of(Task task) {
		return of(task, null);
	}

	static TaskResponse of(Task task, @Nullable AgentPresence presence) {
		return of(task, presence, null);
	}

	static TaskResponse of(Task task, @Nullable AgentPresence presence, @Nullable TaskUsageSource spending) {
		return new TaskResponse(task.id().value(), task.title(), task.description(), task.priority(), task.category(),
				task.status(), task.statusReason(), task.requiredCapabilities(),
				task.dependencies().stream().map(TaskId::value).toList(), task.payloadJson(), task.resultJson(),
				task.estimatedDuration(), task.actualDuration(), task.maxAttempts(), task.attempts(),
				task.timeoutSeconds(), task.idempotencyKey(),
				(task.assignedAgent() != null) ? task.assignedAgent().value() : null, task.leaseEpoch(),
				(task.retryOf() != null) ? task.retryOf().value() : null, task.createdBy(), task.createdAt(),
				task.updatedAt(), task.queuedAt(), task.assignedAt(), task.startedAt(), task.finishedAt(),
				task.progress(), task.progressMessage(), task.notBefore(),
				(task.reservedFor() != null) ? task.reservedFor().value() : null, waitingReason(task, presence),
				task.fairnessKey(), task.unreadable().stream().map(UnreadableValue::describe).toList(),
				task.agentSelector(), (spending != null) ? spending.usage(task.id()) : null,
				(spending != null) ? spending.budget(task.id()) : null, waitingFor(task));
	}

	/**
	 * The time a task not tried yet waits for: only {@code run_at} sets
	 * {@code not_before} before the first attempt (retry backoff comes after one).
	 */
	private static @Nullable Instant waitingFor(Task task) {
		return (task.attempts() == 0 && task.notBefore() != null) ? task.notBefore() : null;
	}

	TaskResponse withRunAt(@Nullable Instant stored) {
		if (stored == null) {
			return this;
		}
		return new TaskResponse(this.id, this.title, this.description, this.priority, this.category, this.status,
				this.statusReason, this.requiredCapabilities, this.dependencies, this.payload, this.result,
				this.estimatedDuration, this.actualDuration, this.maxAttempts, this.attempts, this.timeoutSeconds,
				this.idempotencyKey, this.assignedAgentId, this.leaseEpoch, this.retryOf, this.createdBy,
				this.createdAt, this.updatedAt, this.queuedAt, this.assignedAt, this.startedAt, this.finishedAt,
				this.progress, this.progressMessage, this.notBefore, this.reservedFor, this.waitingReason,
				this.fairnessKey, this.unreadable, this.agentSelector, this.usage, this.budget, stored);
	}

	private static @Nullable String waitingReason(Task task, @Nullable AgentPresence presence) {
		return switch (task.status()) {
			case PENDING -> "waiting for dependencies to complete"
					+ ((waitingFor(task) != null) ? ", then for its run_at " + waitingFor(task) : "");
			case AWAITING_APPROVAL -> "awaiting approval (GET /api/tasks/" + task.id() + "/approval)";
			case QUEUED -> (presence != null) ? presence.whyWaiting(task) : null;
			case ASSIGNED -> (task.reservedFor() != null) ? "reserved until agent " + task.reservedFor() + " connects"
					: "waiting for agent " + task.assignedAgent() + " to accept";
			default -> null;
		};
	}

}
