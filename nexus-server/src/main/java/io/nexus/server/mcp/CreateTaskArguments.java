package io.nexus.server.mcp;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.nexus.protocol.TaskPriority;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.nexus.server.tasks.AgentSelector;
import io.nexus.server.tasks.ApprovalRequest;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The arguments of {@code create_task}: the fields of {@code POST /api/tasks} with the
 * same constraints, less the batch-only {@code id} and {@code dependencies} and the task
 * budget.
 *
 * @param title a short title (required)
 * @param description what to do
 * @param priority low, medium (default), high or critical
 * @param category what kind of work it is; also the required capability unless
 * {@code required_capabilities} is given
 * @param requiredCapabilities what an agent must be able to do
 * @param payload free-form JSON input for the agent
 * @param estimatedDuration the estimate, minutes
 * @param maxAttempts how many times it may be tried
 * @param timeoutSeconds how long one attempt may run
 * @param idempotencyKey repeating a call with the same key returns the same task
 * @param agentSelector the labels of the agents it may run on
 * @param fairnessKey who the task is for in fair share
 * @param approval the approval it needs before it may run
 */
record CreateTaskArguments(@NotBlank @Size(max = Limits.MAX_TITLE) @PlainText String title,
		@Nullable @Size(max = Limits.MAX_DESCRIPTION) @PlainText(multiline = true) String description,
		@Nullable TaskPriority priority, @Nullable @Pattern(regexp = Limits.NAME_PATTERN) String category,
		@Nullable @Size(max = Limits.MAX_CAPABILITIES) List<@NotNull @Pattern(
				regexp = Limits.NAME_PATTERN) String> requiredCapabilities,
		@Nullable JsonNode payload, @Nullable @Min(0) @Max(Limits.MAX_DURATION_MINUTES) Integer estimatedDuration,
		@Nullable @Min(1) @Max(Limits.MAX_ATTEMPTS) Integer maxAttempts,
		@Nullable @Min(1) @Max(Limits.MAX_TIMEOUT_SECONDS) Integer timeoutSeconds,
		@Nullable @Size(min = 1, max = Limits.MAX_IDEMPOTENCY_KEY) @PlainText String idempotencyKey,
		@Nullable AgentSelector agentSelector,
		@Nullable @Pattern(regexp = Limits.FAIRNESS_KEY_PATTERN) String fairnessKey,
		@Nullable ApprovalRequest approval) {

	NewTask toNewTask(TaskProperties defaults, JsonMapper json) {
		List<TaskId> none = List.of();
		return new NewTask(null, this.title.strip(), this.description,
				(this.priority != null) ? this.priority : TaskPriority.MEDIUM, this.category, this.requiredCapabilities,
				none, payloadText(json), this.estimatedDuration,
				(this.maxAttempts != null) ? this.maxAttempts : defaults.defaultMaxAttempts(),
				(this.timeoutSeconds != null) ? this.timeoutSeconds : defaults.defaultTimeoutSeconds(),
				this.idempotencyKey, selector(), this.fairnessKey,
				(this.approval != null) ? this.approval.toSpec("approval") : null, null);
	}

	/** The same size rule as the REST API's payloads. */
	private @Nullable String payloadText(JsonMapper json) {
		if (this.payload == null || this.payload.isNull() || this.payload.isMissingNode()) {
			return null;
		}
		String text = json.writeValueAsString(this.payload);
		if (text.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_PAYLOAD_BYTES) {
			throw InvalidRequestException.badRequest("field_too_large",
					"payload is larger than " + Limits.MAX_PAYLOAD_BYTES + " bytes of JSON");
		}
		return text;
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
