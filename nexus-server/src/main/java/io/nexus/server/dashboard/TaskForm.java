package io.nexus.server.dashboard;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.nexus.protocol.TaskPriority;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The create-task form. Lists are typed comma-separated; the payload is JSON text.
 *
 * @param title a short title
 * @param description what to do
 * @param priority low, medium, high or critical
 * @param category what kind of work
 * @param capabilities required capabilities (the category when empty)
 * @param dependencies ids of tasks that must complete first
 * @param estimatedDuration the estimate, minutes
 * @param payload the input, JSON
 */
record TaskForm(@NotBlank(message = "Title is required") @Size(max = Limits.MAX_TITLE) @PlainText String title,
		@Nullable @Size(max = Limits.MAX_DESCRIPTION) @PlainText(multiline = true) String description,
		@Nullable String priority,
		@Nullable @Pattern(regexp = "^$|" + Limits.NAME_PATTERN,
				message = "Category: letters, digits and . _ - : / only") String category,
		@Nullable String capabilities, @Nullable String dependencies,
		@Nullable @Min(0) @Max(Limits.MAX_DURATION_MINUTES) Integer estimatedDuration,
		@Nullable String payload) implements Serializable {

	NewTask toNewTask(TaskProperties defaults, JsonMapper json) {
		List<String> required = FormLists.split(this.capabilities, Limits.NAME_PATTERN, Limits.MAX_CAPABILITIES,
				"capabilities");
		List<TaskId> after = FormLists.split(this.dependencies, TaskId.PATTERN, Limits.MAX_DEPENDENCIES, "dependencies")
			.stream()
			.map(TaskId::new)
			.toList();
		TaskPriority level = (this.priority == null || this.priority.isBlank()) ? TaskPriority.MEDIUM
				: TaskPriority.fromWireName(this.priority);
		String category = FleetView.blankToNull(this.category);
		String description = FleetView.blankToNull(this.description);
		return new NewTask(null, this.title.strip(), description, level, category, required.isEmpty() ? null : required,
				after, payloadJson(json), this.estimatedDuration, defaults.defaultMaxAttempts(),
				defaults.defaultTimeoutSeconds(), null);
	}

	private @Nullable String payloadJson(JsonMapper json) {
		if (this.payload == null || this.payload.isBlank()) {
			return null;
		}
		if (this.payload.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_PAYLOAD_BYTES) {
			throw InvalidRequestException.badRequest("field_too_large",
					"Payload is larger than " + Limits.MAX_PAYLOAD_BYTES + " bytes");
		}
		try {
			return json.writeValueAsString(json.readTree(this.payload));
		}
		catch (JacksonException ex) {
			throw InvalidRequestException.badRequest("invalid_payload", "Payload is not valid JSON");
		}
	}

}
