package io.nexus.server.tasks.persistence;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.Task;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The rows of finished tasks: which ones retention may delete, deleting them with their
 * events and capability and dependency rows, and reading them in the order they finished
 * for the export.
 */
@Repository
public class TaskRetentionRepository {

	private static final String FINISHED = "t.status IN ('completed', 'failed', 'cancelled')";

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	private final boolean skipLocked;

	public TaskRetentionRepository(JdbcClient jdbc, FieldCipher cipher, TaskLeaseRepository leases) {
		this.jdbc = jdbc;
		this.cipher = cipher;
		this.skipLocked = leases.skipsLocked();
	}

	/**
	 * Locks and returns the oldest finished tasks that finished before the cutoff and
	 * that no unfinished task depends on and that is no schedule's last task. On
	 * PostgreSQL the rows another node is deleting are skipped.
	 * @param cutoff finished before this
	 * @param limit at most this many
	 * @return their ids, oldest first
	 */
	public List<String> lockExpired(Instant cutoff, int limit) {
		return this.jdbc
			.sql("SELECT t.id FROM tasks t WHERE " + FINISHED + " AND t.finished_at < :cutoff AND NOT EXISTS ("
					+ "SELECT 1 FROM task_dependencies d JOIN tasks w ON w.id = d.task_id WHERE d.depends_on = t.id "
					+ "AND w.status NOT IN ('completed', 'failed', 'cancelled')) "
					// a schedule's last task stays: its overlap policy and API name it
					+ "AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.last_task_id = t.id) "
					+ "ORDER BY t.finished_at, t.id LIMIT :limit"
					+ (this.skipLocked ? " FOR UPDATE OF t SKIP LOCKED" : " FOR UPDATE"))
			.param("cutoff", SqlTimes.toDb(cutoff))
			.param("limit", limit)
			.query(String.class)
			.list();
	}

	/**
	 * Deletes tasks with their events, capability rows and dependency rows (theirs, and
	 * those of the finished tasks that depended on them).
	 * @param ids the tasks, locked by {@link #lockExpired}
	 * @return how many tasks were deleted
	 */
	public int delete(List<String> ids) {
		if (ids.isEmpty()) {
			return 0;
		}
		this.jdbc.sql("DELETE FROM task_dependencies WHERE depends_on IN (:ids)").param("ids", ids).update();
		this.jdbc.sql("DELETE FROM task_events WHERE task_id IN (:ids)").param("ids", ids).update();
		return this.jdbc.sql("DELETE FROM tasks WHERE id IN (:ids)").param("ids", ids).update();
	}

	/**
	 * Finished tasks in the order they finished, a page at a time.
	 * @param from finished at or after this
	 * @param to finished before this
	 * @param after the last task of the previous page, {@code null} for the first
	 * @param limit the page size
	 * @return the page
	 */
	public List<Task> finished(Instant from, Instant to, @Nullable Task after, int limit) {
		Map<String, Object> params = new HashMap<>();
		params.put("from", SqlTimes.toDb(from));
		params.put("to", SqlTimes.toDb(to));
		params.put("limit", limit);
		String page = "";
		if (after != null && after.finishedAt() != null) {
			page = " AND (t.finished_at > :afterAt OR (t.finished_at = :afterAt AND t.id > :afterId))";
			params.put("afterAt", SqlTimes.toDb(after.finishedAt()));
			params.put("afterId", after.id().value());
		}
		return TaskRows.load(this.jdbc, this.cipher,
				"SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE " + FINISHED
						+ " AND t.finished_at >= :from AND t.finished_at < :to" + page
						+ " ORDER BY t.finished_at, t.id LIMIT :limit",
				params);
	}

}
