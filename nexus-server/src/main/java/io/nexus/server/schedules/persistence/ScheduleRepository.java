package io.nexus.server.schedules.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.server.schedules.CatchUp;
import io.nexus.server.schedules.Overlap;
import io.nexus.server.schedules.Schedule;
import io.nexus.server.schedules.ScheduleFire;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Schedules and the record of their fire times.
 */
@Repository
public class ScheduleRepository {

	private static final String COLUMNS = "id, name, template, cron, interval_seconds, time_zone, overlap, catch_up, "
			+ "paused, next_fire_at, last_fired_at, last_task_id, created_by, created_at, updated_at";

	private final JdbcClient jdbc;

	public ScheduleRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(Schedule schedule) {
		this.jdbc.sql("INSERT INTO schedules (" + COLUMNS + ") VALUES (:id, :name, :template, :cron, :interval, "
				+ ":zone, :overlap, :catchUp, :paused, :next, :lastFired, :lastTask, :createdBy, :createdAt, :updatedAt)")
			.params(params(schedule))
			.update();
	}

	/**
	 * Writes everything but the creation of a schedule.
	 * @param schedule the schedule as it is now
	 */
	public void update(Schedule schedule) {
		this.jdbc
			.sql("""
					UPDATE schedules SET name = :name, template = :template, cron = :cron, interval_seconds = :interval,
					       time_zone = :zone, overlap = :overlap, catch_up = :catchUp, paused = :paused, next_fire_at = :next,
					       last_fired_at = :lastFired, last_task_id = :lastTask, updated_at = :updatedAt
					WHERE id = :id
					""")
			.params(params(schedule))
			.update();
	}

	public boolean delete(String id) {
		return this.jdbc.sql("DELETE FROM schedules WHERE id = :id").param("id", id).update() == 1;
	}

	public List<Schedule> findAll() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM schedules ORDER BY name").query(this::map).list();
	}

	public Optional<Schedule> findById(String id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM schedules WHERE id = :id")
			.param("id", id)
			.query(this::map)
			.optional();
	}

	/**
	 * Reads a schedule and locks its row until the transaction ends: one node at a time
	 * fires it.
	 * @param id the schedule
	 * @return the schedule, if it exists
	 */
	public Optional<Schedule> lock(String id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM schedules WHERE id = :id FOR UPDATE")
			.param("id", id)
			.query(this::map)
			.optional();
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM schedules").query(Long.class).single();
	}

	public boolean nameTaken(String name, @Nullable String exceptId) {
		return this.jdbc.sql("SELECT COUNT(*) FROM schedules WHERE name = :name AND id <> :id")
			.param("name", name)
			.param("id", (exceptId != null) ? exceptId : "")
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * The schedules that are due, those waiting longest first.
	 * @param now the time
	 * @param limit at most this many
	 * @return their ids
	 */
	public List<String> due(Instant now, int limit) {
		return this.jdbc
			.sql("SELECT id FROM schedules WHERE paused = FALSE AND next_fire_at <= :now ORDER BY next_fire_at, id "
					+ "LIMIT :limit")
			.param("now", SqlTimes.toDb(now))
			.param("limit", limit)
			.query(String.class)
			.list();
	}

	/**
	 * Records a fire time as handled, unless it already is.
	 * @param scheduleId the schedule, locked
	 * @param fireTime the fire time
	 * @param outcome what happened
	 * @param detail why, if skipped or failed
	 * @param now when
	 * @return whether this call recorded it (false: it was handled before)
	 */
	public boolean claimFire(String scheduleId, Instant fireTime, String outcome, @Nullable String detail,
			Instant now) {
		// the row lock on the schedule serialises its fires; the primary key stays the
		// last guard
		return this.jdbc.sql("""
				INSERT INTO schedule_fires (schedule_id, fire_time, outcome, detail, fired_at)
				SELECT :id, :fireTime, :outcome, :detail, :now FROM schedules s
				WHERE s.id = :id AND NOT EXISTS (SELECT 1 FROM schedule_fires f WHERE f.schedule_id = :id
				                                 AND f.fire_time = :fireTime)
				""")
			.param("id", scheduleId)
			.param("fireTime", SqlTimes.toDb(fireTime))
			.param("outcome", outcome)
			.param("detail", detail)
			.param("now", SqlTimes.toDb(now))
			.update() == 1;
	}

	public void settleFire(String scheduleId, Instant fireTime, String outcome, @Nullable String taskId,
			@Nullable String detail) {
		this.jdbc
			.sql("UPDATE schedule_fires SET outcome = :outcome, task_id = :taskId, detail = :detail "
					+ "WHERE schedule_id = :id AND fire_time = :fireTime")
			.param("id", scheduleId)
			.param("fireTime", SqlTimes.toDb(fireTime))
			.param("outcome", outcome)
			.param("taskId", taskId)
			.param("detail", detail)
			.update();
	}

	/**
	 * The latest fire times of a schedule, latest first.
	 * @param scheduleId the schedule
	 * @param limit at most this many
	 * @return the fires
	 */
	public List<ScheduleFire> fires(String scheduleId, int limit) {
		return this.jdbc
			.sql("SELECT fire_time, outcome, task_id, detail, fired_at FROM schedule_fires WHERE schedule_id = :id "
					+ "ORDER BY fire_time DESC LIMIT :limit")
			.param("id", scheduleId)
			.param("limit", limit)
			.query((rs, row) -> new ScheduleFire(SqlTimes.fromDb(rs, "fire_time"), rs.getString("outcome"),
					rs.getString("task_id"), rs.getString("detail"), SqlTimes.fromDb(rs, "fired_at")))
			.list();
	}

	/**
	 * Forgets fire times handled before a time (they can never fire again: a schedule's
	 * next fire time only moves forward).
	 * @param cutoff handled before this
	 * @return how many were forgotten
	 */
	public int pruneFires(Instant cutoff) {
		return this.jdbc.sql("DELETE FROM schedule_fires WHERE fired_at < :cutoff")
			.param("cutoff", SqlTimes.toDb(cutoff))
			.update();
	}

	private static java.util.Map<String, @Nullable Object> params(Schedule schedule) {
		java.util.Map<String, @Nullable Object> params = new java.util.HashMap<>();
		params.put("id", schedule.id());
		params.put("name", schedule.name());
		params.put("template", schedule.templateJson());
		params.put("cron", schedule.cron());
		params.put("interval", schedule.intervalSeconds());
		params.put("zone", schedule.timeZone());
		params.put("overlap", schedule.overlap().wireName());
		params.put("catchUp", schedule.catchUp().wireName());
		params.put("paused", schedule.paused());
		params.put("next", SqlTimes.toDb(schedule.nextFireAt()));
		params.put("lastFired", SqlTimes.toDb(schedule.lastFiredAt()));
		params.put("lastTask", schedule.lastTaskId());
		params.put("createdBy", schedule.createdBy());
		params.put("createdAt", SqlTimes.toDb(schedule.createdAt()));
		params.put("updatedAt", SqlTimes.toDb(schedule.updatedAt()));
		return params;
	}

	private Schedule map(ResultSet rs, int row) throws SQLException {
		long interval = rs.getLong("interval_seconds");
		Long intervalSeconds = rs.wasNull() ? null : interval;
		return new Schedule(rs.getString("id"), rs.getString("name"), rs.getString("template"), rs.getString("cron"),
				intervalSeconds, rs.getString("time_zone"), Overlap.valueOf(rs.getString("overlap").toUpperCase()),
				CatchUp.valueOf(rs.getString("catch_up").toUpperCase()), rs.getBoolean("paused"),
				SqlTimes.fromDb(rs, "next_fire_at"), SqlTimes.fromDb(rs, "last_fired_at"), rs.getString("last_task_id"),
				rs.getString("created_by"), SqlTimes.fromDb(rs, "created_at"), SqlTimes.fromDb(rs, "updated_at"));
	}

}
