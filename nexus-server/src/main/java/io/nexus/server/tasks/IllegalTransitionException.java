package io.nexus.server.tasks;

import java.util.Map;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.shared.ConflictException;

/**
 * The lifecycle does not allow the requested change from the task's current state.
 */
public class IllegalTransitionException extends ConflictException {

	public IllegalTransitionException(TaskId id, TaskStatus from, TaskStatus to, String why) {
		super("illegal_transition",
				"Task '" + id + "' cannot go from " + from.wireName() + " to " + to.wireName() + ": " + why,
				Map.of("task_id", id.value(), "from", from.wireName(), "to", to.wireName()));
	}

}
