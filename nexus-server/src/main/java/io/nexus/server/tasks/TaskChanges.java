package io.nexus.server.tasks;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * An operator's update of a task: {@code null} leaves a field as it is.
 *
 * @param status a terminal status to close the task with
 * @param reason why
 * @param actualDuration how long it took, minutes
 * @param resultJson the output, as JSON text
 * @param title a new title
 * @param description a new description
 * @param priority a new priority
 * @param estimatedDuration a new estimate, minutes
 */
public record TaskChanges(@Nullable TaskStatus status, @Nullable String reason, @Nullable Integer actualDuration,
		@Nullable String resultJson, @Nullable String title, @Nullable String description,
		@Nullable TaskPriority priority, @Nullable Integer estimatedDuration) {

	boolean editsDefinition() {
		return this.title != null || this.description != null || this.priority != null
				|| this.estimatedDuration != null;
	}

}
