package io.nexus.server.schedules;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What happened at one fire time of a schedule.
 *
 * @param fireTime the fire time
 * @param outcome {@code created} (a task was created), {@code skipped} (overlap
 * {@code skip}: the previous task had not finished) or {@code failed} (the template no
 * longer makes a valid task; {@code detail} says why)
 * @param taskId the task created, if any
 * @param detail why it was skipped or failed
 * @param firedAt when a node handled it
 */
public record ScheduleFire(Instant fireTime, String outcome, @Nullable String taskId, @Nullable String detail,
		Instant firedAt) {

	static final String CREATED = "created";

	static final String SKIPPED = "skipped";

	static final String FAILED = "failed";

}
