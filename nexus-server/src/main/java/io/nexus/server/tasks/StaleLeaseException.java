package io.nexus.server.tasks;

import java.util.Map;

import io.nexus.server.shared.ConflictException;

/**
 * An agent reported on a task under a lease it no longer holds.
 */
public class StaleLeaseException extends ConflictException {

	public StaleLeaseException(Lease lease, String why) {
		super("stale_lease", "Lease " + lease.epoch() + " of task '" + lease.taskId() + "' is not held by agent '"
				+ lease.agentId() + "': " + why, Map.of("task_id", lease.taskId().value()));
	}

}
