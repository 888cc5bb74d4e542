package io.nexus.server.tasks.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.nexus.protocol.TaskPriority;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.nexus.server.tasks.AgentSelector;
import io.nexus.server.tasks.ApprovalRequest;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskBudgetRequest;
import io.nexus.server.tasks.TaskProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/tasks} (and one item of a batch).
 *
 * @param id an id of the client's choosing, so that tasks of one batch can depend on each
 * other; made by Nexus when absent
 * @param title a short title (required)
 * @param description what to do
 * @param priority low, medium (default), high or critical
 * @param category what kind of work it is; also the required capability unless
 * {@code required_capabilities} is given
 * @param estimatedDuration the estimate, minutes
 * @param requiredCapabilities what an agent must be able to do
 * @param dependencies ids of tasks that must complete first
 * @param payload free-form JSON input for the agent
 * @param maxAttempts how many times it may be tried (default 3)
 * @param timeoutSeconds how long one attempt may run (default 3600)
 * @param idempotencyKey repeating a request with the same key returns the same task
 * @param agentSelector the labels of the agents it may run on ({@code match_labels},
 * {@code match_expressions}, as Kubernetes selects nodes)
 * @param fairnessKey who the task is for in fair share (a team, a customer)
 * @param approval the approval it needs before it may run (docs/governance.md)
 * @param budget the task's own budget: it is stopped once its reported usage exceeds it
 * @param runAt when it may run at the earliest (ISO-8601 instant, at most
 * {@value #MAX_RUN_AT_DAYS} days ahead; a time in the past means now)
 */
record CreateTaskRequest(@Nullable @Pattern(regexp = TaskId.PATTERN) String id,
		@NotBlank @Size(max = Limits.MAX_TITLE) @PlainText String title,
		@Nullable @Size(max = Limits.MAX_DESCRIPTION) @PlainText(multiline = true) String description,
		@Nullable TaskPriority priority, @Nullable @Pattern(regexp = Limits.NAME_PATTERN) String category,
		@Nullable @Min(0) @Max(Limits.MAX_DURATION_MINUTES) Integer estimatedDuration,
		@Nullable @Size(max = Limits.MAX_CAPABILITIES) List<@NotNull @Pattern(
				regexp = Limits.NAME_PATTERN) String> requiredCapabilities,
		@Nullable @Size(
				max = Limits.MAX_DEPENDENCIES) List<@NotNull @Pattern(regexp = TaskId.PATTERN) String> dependencies,
		@Nullable JsonNode payload, @Nullable @Min(1) @Max(Limits.MAX_ATTEMPTS) Integer maxAttempts,
		@Nullable @Min(1) @Max(Limits.MAX_TIMEOUT_SECONDS) Integer timeoutSeconds,
		@Nullable @Size(min = 1, max = Limits.MAX_IDEMPOTENCY_KEY) @PlainText String idempotencyKey,
		@Nullable AgentSelector agentSelector,
		@Nullable @Pattern(regexp = Limits.FAIRNESS_KEY_PATTERN) String fairnessKey, @Nullable ApprovalRequest approval,
		@Nullable @Valid TaskBudgetRequest budget, @Nullable Instant runAt) {

	/** How far ahead {@code run_at} may be, days. */
	static final int MAX_RUN_AT_DAYS = 366;

	NewTask toNewTask(TaskProperties defaults, TaskPayloads payloads, @Nullable String headerKey, Instant now) {
		return toNewTask(defaults, payloads, headerKey, now, "");
	}

	/**
	 * The task this request asks for.
	 * @param prefix what names this request's fields in errors ({@code ""} for the body,
	 * {@code "template."} for a schedule's template)
	 */
	NewTask toNewTask(TaskProperties defaults, TaskPayloads payloads, @Nullable String headerKey, Instant now,
			String prefix) {
		return new NewTask((this.id != null) ? new TaskId(this.id) : null, this.title.strip(), this.description,
				(this.priority != null) ? this.priority : TaskPriority.MEDIUM, this.category, this.requiredCapabilities,
				(this.dependencies != null) ? this.dependencies.stream().map(TaskId::new).toList() : List.of(),
				payloads.toText(this.payload, "payload"), this.estimatedDuration,
				(this.maxAttempts != null) ? this.maxAttempts : defaults.defaultMaxAttempts(),
				(this.timeoutSeconds != null) ? this.timeoutSeconds : defaults.defaultTimeoutSeconds(),
				(this.idempotencyKey != null) ? this.idempotencyKey : headerKey, selector(), this.fairnessKey,
				(this.approval != null) ? this.approval.toSpec(prefix + "approval") : null,
				(this.budget != null) ? this.budget.toBudget() : null, runAt(now, prefix));
	}

	private @Nullable Instant runAt(Instant now, String prefix) {
		if (this.runAt == null || !this.runAt.isAfter(now)) {
			return null;
		}
		if (this.runAt.isAfter(now.plus(Duration.ofDays(MAX_RUN_AT_DAYS)))) {
			throw InvalidRequestException.unprocessable("run_at_too_far",
					prefix + "run_at: at most " + MAX_RUN_AT_DAYS + " days ahead", Map.of("field", prefix + "run_at"));
		}
		return this.runAt;
	}

	private @Nullable AgentSelector selector() {
		if (this.agentSelector == null) {
			return null;
		}
		AgentSelector selector = AgentSelector.of(this.agentSelector.matchLabels(),
				this.agentSelector.matchExpressions());
		return (selector.matchLabels().isEmpty() && selector.matchExpressions().isEmpty()) ? null : selector;
	}

}
