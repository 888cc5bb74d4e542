package io.nexus.sdk;

import java.util.List;

import io.nexus.protocol.frames.TaskAssigned;
import org.jspecify.annotations.Nullable;

/**
 * Assignments for tests.
 */
final class Tasks {

	private Tasks() {
	}

	static TaskAssigned assigned(String taskId, long epoch, @Nullable Object payload) {
		return new TaskAssigned(TaskAssigned.TYPE, taskId, epoch, 1, "Echo " + taskId, null, "medium", null, List.of(),
				payload, 60, null);
	}

}
