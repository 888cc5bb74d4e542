package io.nexus.server.schedules;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A recurring schedule as stored.
 *
 * @param id its id ({@code sch_...})
 * @param name its unique name
 * @param templateJson the task template, as JSON text (the body of
 * {@code POST /api/tasks})
 * @param cron the cron expression, or {@code null} for an interval
 * @param intervalSeconds seconds between fires, or {@code null} for a cron
 * @param timeZone the time zone the cron is read in
 * @param overlap what a fire does while the previous task runs
 * @param catchUp what happens to missed fire times
 * @param paused whether it is paused
 * @param nextFireAt the first fire time not handled yet
 * @param lastFiredAt the last fire time that created a task
 * @param lastTaskId the task it created
 * @param createdBy who created it
 * @param createdAt when
 * @param updatedAt when it last changed
 */
public record Schedule(String id, String name, String templateJson, @Nullable String cron,
		@Nullable Long intervalSeconds, String timeZone, Overlap overlap, CatchUp catchUp, boolean paused,
		Instant nextFireAt, @Nullable Instant lastFiredAt, @Nullable String lastTaskId, String createdBy,
		Instant createdAt, Instant updatedAt) {

	Timing timing() {
		return Timing.of(this.cron, this.intervalSeconds, this.timeZone);
	}

	/**
	 * The actor of the tasks it creates.
	 * @return {@code schedule:<id>}
	 */
	public String actor() {
		return "schedule:" + this.id;
	}

}
