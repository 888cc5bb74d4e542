package io.nexus.server.tasks;

import java.util.Map;

import io.nexus.server.shared.NotFoundException;

/**
 * No task has the id given.
 */
public class TaskNotFoundException extends NotFoundException {

	public TaskNotFoundException(TaskId id) {
		super("task_not_found", "No task with id '" + id + "'", Map.of("task_id", id.value()));
	}

}
