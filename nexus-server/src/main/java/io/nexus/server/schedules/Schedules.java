package io.nexus.server.schedules;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import io.nexus.server.schedules.persistence.ScheduleRepository;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.tasks.TaskTemplates;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The schedules façade ({@code /api/schedules}): create, read, change, pause, resume and
 * delete recurring schedules. Every change is checked in full before anything is stored:
 * the timing (cron or interval, time zone) and the template, read as the body of
 * {@code POST /api/tasks}.
 */
@Service
public class Schedules {

	/** How many fire times the API shows ahead. */
	public static final int SHOWN_FIRE_TIMES = 5;

	private final ScheduleRepository schedules;

	private final TaskTemplates templates;

	private final ScheduleProperties properties;

	private final JsonMapper json;

	private final Clock clock;

	Schedules(ScheduleRepository schedules, TaskTemplates templates, ScheduleProperties properties, JsonMapper json,
			Clock clock) {
		this.schedules = schedules;
		this.templates = templates;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
	}

	@Transactional
	public Schedule create(Spec spec, String actor) {
		Instant now = now();
		Timing timing = check(spec, null, now);
		if (this.schedules.count() >= this.properties.maxSchedules()) {
			throw new ConflictException("too_many_schedules",
					"There are " + this.properties.maxSchedules()
							+ " schedules already (nexus.schedules.max-schedules)",
					Map.of("max", this.properties.maxSchedules()));
		}
		Schedule schedule = new Schedule(Ids.next("sch"), spec.name(), this.json.writeValueAsString(spec.template()),
				spec.cron(), spec.intervalSeconds(), spec.timeZone(), spec.overlap(), spec.catchUp(), spec.paused(),
				first(timing, now), null, null, actor, now, now);
		this.schedules.insert(schedule);
		return schedule;
	}

	@Transactional(readOnly = true)
	public List<Schedule> list() {
		return this.schedules.findAll();
	}

	@Transactional(readOnly = true)
	public Schedule get(String id) {
		return this.schedules.findById(id).orElseThrow(() -> new ScheduleNotFoundException(id));
	}

	/**
	 * Replaces a schedule's definition; a change of its timing starts its fire times
	 * afresh from now.
	 * @param id the schedule
	 * @param spec the new definition
	 * @return the schedule as it is now
	 */
	@Transactional
	public Schedule update(String id, Spec spec) {
		Schedule current = lock(id);
		Instant now = now();
		Timing timing = check(spec, id, now);
		boolean retimed = !java.util.Objects.equals(current.cron(), spec.cron())
				|| !java.util.Objects.equals(current.intervalSeconds(), spec.intervalSeconds())
				|| !current.timeZone().equals(spec.timeZone()) || (current.paused() && !spec.paused());
		Schedule updated = new Schedule(id, spec.name(), this.json.writeValueAsString(spec.template()), spec.cron(),
				spec.intervalSeconds(), spec.timeZone(), spec.overlap(), spec.catchUp(), spec.paused(),
				retimed ? first(timing, now) : current.nextFireAt(), current.lastFiredAt(), current.lastTaskId(),
				current.createdBy(), current.createdAt(), now);
		this.schedules.update(updated);
		return updated;
	}

	/**
	 * Pauses a schedule: it fires no more until resumed.
	 * @param id the schedule
	 * @return the schedule as it is now
	 */
	@Transactional
	public Schedule pause(String id) {
		Schedule current = lock(id);
		Schedule paused = withPaused(current, true, current.nextFireAt());
		this.schedules.update(paused);
		return paused;
	}

	/**
	 * Resumes a paused schedule from now: the fire times that passed while it was paused
	 * are not caught up.
	 * @param id the schedule
	 * @return the schedule as it is now
	 */
	@Transactional
	public Schedule resume(String id) {
		Schedule current = lock(id);
		if (!current.paused()) {
			return current;
		}
		Schedule resumed = withPaused(current, false, first(current.timing(), now()));
		this.schedules.update(resumed);
		return resumed;
	}

	@Transactional
	public Schedule delete(String id) {
		Schedule current = lock(id);
		this.schedules.delete(id);
		return current;
	}

	/**
	 * The next fire times of a schedule, from its next one.
	 * @param schedule the schedule
	 * @return up to {@value #SHOWN_FIRE_TIMES} fire times
	 */
	public List<Instant> nextFireTimes(Schedule schedule) {
		return schedule.timing().upcoming(schedule.nextFireAt(), SHOWN_FIRE_TIMES);
	}

	/**
	 * What happened at a schedule's latest fire times, latest first.
	 * @param id the schedule
	 * @param limit at most this many
	 * @return the fires
	 */
	@Transactional(readOnly = true)
	public List<ScheduleFire> fires(String id, int limit) {
		get(id);
		return this.schedules.fires(id, limit);
	}

	private Timing check(Spec spec, @Nullable String id, Instant now) {
		Timing timing = Timing.of(spec.cron(), spec.intervalSeconds(), spec.timeZone());
		this.templates.read(spec.template(), now);
		if (this.schedules.nameTaken(spec.name(), id)) {
			throw new ConflictException("schedule_name_taken", "A schedule named '" + spec.name() + "' exists",
					Map.of("name", spec.name()));
		}
		return timing;
	}

	private static Instant first(Timing timing, Instant now) {
		Instant next = timing.next(now);
		if (next == null) {
			throw InvalidRequestException.unprocessable("schedule_invalid", "cron: never fires again",
					Map.of("field", "cron"));
		}
		return next.truncatedTo(ChronoUnit.MICROS);
	}

	private Schedule lock(String id) {
		return this.schedules.lock(id).orElseThrow(() -> new ScheduleNotFoundException(id));
	}

	private Schedule withPaused(Schedule s, boolean paused, Instant next) {
		return new Schedule(s.id(), s.name(), s.templateJson(), s.cron(), s.intervalSeconds(), s.timeZone(),
				s.overlap(), s.catchUp(), paused, next, s.lastFiredAt(), s.lastTaskId(), s.createdBy(), s.createdAt(),
				now());
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/**
	 * A schedule's definition, as given to create or replace it.
	 *
	 * @param name a unique name
	 * @param template the task template: the body of {@code POST /api/tasks} without
	 * {@code id}, {@code idempotency_key}, {@code dependencies} and {@code run_at}
	 * @param cron a cron expression, or {@code null} with an interval
	 * @param intervalSeconds seconds between fires, or {@code null} with a cron
	 * @param timeZone the time zone the cron is read in
	 * @param overlap what a fire does while the previous task runs
	 * @param catchUp what happens to missed fire times
	 * @param paused whether it starts paused
	 */
	public record Spec(String name, JsonNode template, @Nullable String cron, @Nullable Long intervalSeconds,
			String timeZone, Overlap overlap, CatchUp catchUp, boolean paused) {

	}

}
