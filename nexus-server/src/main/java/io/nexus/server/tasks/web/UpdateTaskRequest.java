package io.nexus.server.tasks.web;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.NotBlankWhenPresent;
import io.nexus.server.shared.PlainText;
import io.nexus.server.tasks.TaskChanges;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code PUT /api/tasks/{id}}; absent fields stay as they are.
 *
 * @param status completed, failed or cancelled to close the task
 * @param reason why
 * @param actualDuration how long it took, minutes
 * @param result free-form JSON output
 * @param title a new title
 * @param description a new description
 * @param priority a new priority
 * @param estimatedDuration a new estimate, minutes
 */
record UpdateTaskRequest(@Nullable TaskStatus status,
		@Nullable @Size(max = Limits.MAX_REASON) @PlainText(multiline = true) String reason,
		@Nullable @Min(0) @Max(Limits.MAX_DURATION_MINUTES) Integer actualDuration, @Nullable JsonNode result,
		@Nullable @NotBlankWhenPresent @Size(max = Limits.MAX_TITLE) @PlainText String title,
		@Nullable @Size(max = Limits.MAX_DESCRIPTION) @PlainText(multiline = true) String description,
		@Nullable TaskPriority priority,
		@Nullable @Min(0) @Max(Limits.MAX_DURATION_MINUTES) Integer estimatedDuration) {

	TaskChanges toChanges(TaskPayloads payloads) {
		return new TaskChanges(this.status, this.reason, this.actualDuration, payloads.toText(this.result, "result"),
				(this.title != null) ? this.title.strip() : null, this.description, this.priority,
				this.estimatedDuration);
	}

}
