package io.nexus.server.schedules;

import java.util.Map;

import io.nexus.server.shared.NotFoundException;

/**
 * No schedule has the id.
 */
public class ScheduleNotFoundException extends NotFoundException {

	ScheduleNotFoundException(String id) {
		super("schedule_not_found", "No schedule " + id, Map.of("id", id));
	}

}
