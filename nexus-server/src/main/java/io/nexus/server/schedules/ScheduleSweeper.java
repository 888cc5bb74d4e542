package io.nexus.server.schedules;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.schedules.persistence.ScheduleRepository;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.CreatedTask;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskService;
import io.nexus.server.tasks.TaskTemplates;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires the schedules that are due, on every node every
 * {@code nexus.schedules.sweep-interval}. Each schedule is fired in its own transaction
 * that locks its row, re-reads it and acts only if it is still due, records each fire
 * time under the unique key (schedule, fire time), creates the task through
 * {@link TaskService} (so that approvals, budgets and policies apply as to any task) and
 * moves the schedule's next fire time on, all in that one transaction: whichever node
 * gets there, and whatever fails, one fire time makes at most one task, and a fire time
 * is never handled twice.
 */
@Component
class ScheduleSweeper {

	private static final Logger logger = LoggerFactory.getLogger(ScheduleSweeper.class);

	/** Most schedules one sweep fires; the rest wait for the next sweep. */
	private static final int BATCH = 100;

	/**
	 * Most fire times counted per schedule per sweep (an every-second cron after days).
	 */
	private static final int MAX_COUNTED = 100_000;

	private final ScheduleRepository schedules;

	private final TaskService tasks;

	private final TaskTemplates templates;

	private final ScheduleProperties properties;

	private final TransactionTemplate transaction;

	private final JsonMapper json;

	private final Clock clock;

	private final Counter created;

	private final Counter skipped;

	private final Counter failed;

	private final Counter missed;

	private volatile Instant lastPrune = Instant.EPOCH;

	ScheduleSweeper(ScheduleRepository schedules, TaskService tasks, TaskTemplates templates,
			ScheduleProperties properties, TransactionTemplate transaction, JsonMapper json, Clock clock,
			MeterRegistry meters) {
		this.schedules = schedules;
		this.tasks = tasks;
		this.templates = templates;
		this.properties = properties;
		this.transaction = transaction;
		this.json = json;
		this.clock = clock;
		this.created = counter(meters, ScheduleFire.CREATED);
		this.skipped = counter(meters, ScheduleFire.SKIPPED);
		this.failed = counter(meters, ScheduleFire.FAILED);
		this.missed = counter(meters, "missed");
	}

	private static Counter counter(MeterRegistry meters, String outcome) {
		return Counter.builder("nexus.schedule.fires")
			.description("Fire times of schedules handled by this node, by outcome (created, skipped, failed, "
					+ "missed: not caught up)")
			.tag("outcome", outcome)
			.register(meters);
	}

	@Scheduled(fixedDelayString = "${nexus.schedules.sweep-interval:1s}")
	void sweep() {
		if (!this.properties.enabled()) {
			return;
		}
		try {
			Instant now = this.clock.instant();
			sweep(now);
			if (this.lastPrune.isBefore(now.minus(1, ChronoUnit.HOURS))) {
				this.lastPrune = now;
				this.schedules.pruneFires(now.minus(this.properties.historyRetention()));
			}
		}
		catch (RuntimeException ex) {
			// the database is away: the next sweep tries again; fire times are stored
			logger.debug("Could not sweep schedules: {}", ex.getMessage());
		}
	}

	/**
	 * Fires every schedule due at a time.
	 * @param now the time to judge fire times by
	 * @return how many tasks this call created
	 */
	int sweep(Instant now) {
		int made = 0;
		for (String id : this.schedules.due(now, BATCH)) {
			try {
				Integer count = this.transaction.execute((status) -> fire(id, now));
				made += (count != null) ? count : 0;
			}
			catch (RuntimeException ex) {
				// this schedule stays due and is tried again; the others go on
				logger.warn("Could not fire schedule {}: {}", id, ex.getMessage());
			}
		}
		return made;
	}

	private int fire(String id, Instant now) {
		Schedule schedule = this.schedules.lock(id).orElse(null);
		if (schedule == null || schedule.paused() || schedule.nextFireAt().isAfter(now)) {
			// another node fired it first, or it was paused or deleted meanwhile
			return 0;
		}
		Timing timing = schedule.timing();
		Instant graceStart = now.minus(this.properties.misfireGrace());
		Deque<Instant> recent = new ArrayDeque<>();
		long due = 0;
		Instant time = schedule.nextFireAt();
		while (time != null && !time.isAfter(now)) {
			due++;
			recent.addLast(time);
			if (recent.size() > this.properties.maxCatchUp()) {
				recent.removeFirst();
			}
			time = (due < MAX_COUNTED) ? timing.next(time) : timing.next(graceStart);
		}
		List<Instant> toFire = switch (schedule.catchUp()) {
			case NONE -> recent.stream().filter((fireTime) -> !fireTime.isBefore(graceStart)).toList();
			case LATEST -> List.of(recent.getLast());
			case ALL -> new ArrayList<>(recent);
		};
		this.missed.increment(due - toFire.size());
		Instant lastFiredAt = schedule.lastFiredAt();
		String lastTaskId = schedule.lastTaskId();
		int made = 0;
		for (Instant fireTime : toFire) {
			String taskId = fireOnce(schedule, fireTime, lastTaskId, now);
			if (taskId != null) {
				lastFiredAt = fireTime;
				lastTaskId = taskId;
				made++;
			}
		}
		boolean over = time == null;
		if (over) {
			logger.warn("Schedule {} ({}) has no fire time after {}; it is paused", schedule.id(), schedule.name(),
					now);
		}
		this.schedules.update(new Schedule(schedule.id(), schedule.name(), schedule.templateJson(), schedule.cron(),
				schedule.intervalSeconds(), schedule.timeZone(), schedule.overlap(), schedule.catchUp(), over,
				over ? schedule.nextFireAt() : time.truncatedTo(ChronoUnit.MICROS), lastFiredAt, lastTaskId,
				schedule.createdBy(), schedule.createdAt(), schedule.updatedAt()));
		return made;
	}

	/**
	 * Handles one fire time: records it, applies the overlap policy, creates the task.
	 * @return the task created, or {@code null} if none was
	 */
	private @Nullable String fireOnce(Schedule schedule, Instant fireTime, @Nullable String lastTaskId, Instant now) {
		if (!this.schedules.claimFire(schedule.id(), fireTime, ScheduleFire.CREATED, null, now)) {
			return null;
		}
		Task previous = (lastTaskId != null) ? this.tasks.find(new TaskId(lastTaskId)).orElse(null) : null;
		if (previous != null && !previous.status().isTerminal()) {
			if (schedule.overlap() == Overlap.SKIP) {
				this.schedules.settleFire(schedule.id(), fireTime, ScheduleFire.SKIPPED, null,
						"previous task " + previous.id() + " is " + previous.status().wireName());
				this.skipped.increment();
				return null;
			}
			if (schedule.overlap() == Overlap.CANCEL_PREVIOUS) {
				this.tasks.cancel(previous.id(),
						"cancel_previous: schedule " + schedule.name() + " fired at " + fireTime, schedule.actor());
			}
		}
		CreatedTask outcome;
		try {
			NewTask task = this.templates.read(this.json.readTree(schedule.templateJson()), now);
			outcome = this.tasks.createInTransaction(task, schedule.actor());
		}
		catch (NexusException ex) {
			String detail = ex.getMessage();
			if (detail != null && detail.length() > 500) {
				detail = detail.substring(0, 500);
			}
			this.schedules.settleFire(schedule.id(), fireTime, ScheduleFire.FAILED, null, detail);
			this.failed.increment();
			logger.warn("Schedule {} ({}) could not create its task for {}: {}", schedule.id(), schedule.name(),
					fireTime, ex.getMessage());
			return null;
		}
		String taskId = outcome.task().id().value();
		this.schedules.settleFire(schedule.id(), fireTime, ScheduleFire.CREATED, taskId, null);
		this.created.increment();
		logger.debug("Schedule {} ({}) fired for {}: task {}", schedule.id(), schedule.name(), fireTime, taskId);
		return taskId;
	}

}
