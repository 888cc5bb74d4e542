package io.nexus.server.tasks;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nexus.protocol.TaskPriority;
import org.jspecify.annotations.Nullable;

/**
 * What it takes to create a task.
 *
 * @param id a chosen id, or {@code null} to have one made
 * @param title a short title
 * @param description what to do
 * @param priority how urgent it is
 * @param category what kind of work it is
 * @param requiredCapabilities what an agent must be able to do; when {@code null}, the
 * category (if any) is the one requirement
 * @param dependencies tasks that must complete first
 * @param payloadJson the input, as JSON text
 * @param estimatedDuration the estimate, minutes
 * @param maxAttempts how many times it may be tried
 * @param timeoutSeconds how long one attempt may run
 * @param idempotencyKey a key that makes a repeated request return the same task
 * @param agentSelector the labels of the agents it may run on, or {@code null} for any
 * @param fairnessKey who the task is for in fair share (a team, a customer), if anyone
 * @param approval the approval it needs before it may run, or {@code null}
 * @param budget the task's own budget, if any
 * @param runAt when it may run at the earliest, or {@code null} for as soon as it is
 * ready
 */
public record NewTask(@Nullable TaskId id, String title, @Nullable String description, TaskPriority priority,
		@Nullable String category, @Nullable List<String> requiredCapabilities, List<TaskId> dependencies,
		@Nullable String payloadJson, @Nullable Integer estimatedDuration, int maxAttempts, int timeoutSeconds,
		@Nullable String idempotencyKey,
		// both left out of the idempotency hash when absent, so that keys stored before
		// they existed still match
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable AgentSelector agentSelector,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String fairnessKey,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable ApprovalSpec approval,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable TaskBudget budget,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Instant runAt) {

	/**
	 * A task to run as soon as it is ready.
	 * @param id a chosen id, or {@code null}
	 * @param title a short title
	 * @param description what to do
	 * @param priority how urgent it is
	 * @param category what kind of work it is
	 * @param requiredCapabilities what an agent must be able to do
	 * @param dependencies tasks that must complete first
	 * @param payloadJson the input
	 * @param estimatedDuration the estimate, minutes
	 * @param maxAttempts how many times it may be tried
	 * @param timeoutSeconds how long one attempt may run
	 * @param idempotencyKey a key that makes a repeated request return the same task
	 * @param agentSelector the labels of the agents it may run on, or {@code null}
	 * @param fairnessKey who the task is for in fair share, if anyone
	 * @param approval the approval it needs before it may run, or {@code null}
	 * @param budget the task's own budget, if any
	 */
	public NewTask(@Nullable TaskId id, String title, @Nullable String description, TaskPriority priority,
			@Nullable String category, @Nullable List<String> requiredCapabilities, List<TaskId> dependencies,
			@Nullable String payloadJson, @Nullable Integer estimatedDuration, int maxAttempts, int timeoutSeconds,
			@Nullable String idempotencyKey, @Nullable AgentSelector agentSelector, @Nullable String fairnessKey,
			@Nullable ApprovalSpec approval, @Nullable TaskBudget budget) {
		this(id, title, description, priority, category, requiredCapabilities, dependencies, payloadJson,
				estimatedDuration, maxAttempts, timeoutSeconds, idempotencyKey, agentSelector, fairnessKey, approval,
				budget, null);
	}

	/**
	 * A task that needs no approval and has no budget of its own.
	 * @param id a chosen id, or {@code null}
	 * @param title a short title
	 * @param description what to do
	 * @param priority how urgent it is
	 * @param category what kind of work it is
	 * @param requiredCapabilities what an agent must be able to do
	 * @param dependencies tasks that must complete first
	 * @param payloadJson the input
	 * @param estimatedDuration the estimate, minutes
	 * @param maxAttempts how many times it may be tried
	 * @param timeoutSeconds how long one attempt may run
	 * @param idempotencyKey a key that makes a repeated request return the same task
	 * @param agentSelector the labels of the agents it may run on, or {@code null}
	 * @param fairnessKey who the task is for in fair share, if anyone
	 */
	public NewTask(@Nullable TaskId id, String title, @Nullable String description, TaskPriority priority,
			@Nullable String category, @Nullable List<String> requiredCapabilities, List<TaskId> dependencies,
			@Nullable String payloadJson, @Nullable Integer estimatedDuration, int maxAttempts, int timeoutSeconds,
			@Nullable String idempotencyKey, @Nullable AgentSelector agentSelector, @Nullable String fairnessKey) {
		this(id, title, description, priority, category, requiredCapabilities, dependencies, payloadJson,
				estimatedDuration, maxAttempts, timeoutSeconds, idempotencyKey, agentSelector, fairnessKey, null, null);
	}

	/**
	 * A task that may run on any agent with the capabilities, for no one in particular in
	 * fair share.
	 * @param id a chosen id, or {@code null}
	 * @param title a short title
	 * @param description what to do
	 * @param priority how urgent it is
	 * @param category what kind of work it is
	 * @param requiredCapabilities what an agent must be able to do
	 * @param dependencies tasks that must complete first
	 * @param payloadJson the input
	 * @param estimatedDuration the estimate, minutes
	 * @param maxAttempts how many times it may be tried
	 * @param timeoutSeconds how long one attempt may run
	 * @param idempotencyKey a key that makes a repeated request return the same task
	 */
	public NewTask(@Nullable TaskId id, String title, @Nullable String description, TaskPriority priority,
			@Nullable String category, @Nullable List<String> requiredCapabilities, List<TaskId> dependencies,
			@Nullable String payloadJson, @Nullable Integer estimatedDuration, int maxAttempts, int timeoutSeconds,
			@Nullable String idempotencyKey) {
		this(id, title, description, priority, category, requiredCapabilities, dependencies, payloadJson,
				estimatedDuration, maxAttempts, timeoutSeconds, idempotencyKey, null, null, null, null);
	}

	/**
	 * The capabilities an agent needs: those given, or else the category.
	 * @return the effective requirements, without duplicates
	 */
	public List<String> effectiveCapabilities() {
		if (this.requiredCapabilities != null) {
			return this.requiredCapabilities.stream().distinct().sorted().toList();
		}
		return (this.category != null) ? List.of(this.category) : List.of();
	}

}
