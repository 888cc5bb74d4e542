package io.nexus.server.tasks.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.nexus.server.agents.AgentId;
import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.HeldKeys;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.UnreadableTask;
import io.nexus.server.tasks.WantedTasks;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The queries of dispatch and agent reports: ready tasks, claims, reservations, progress,
 * leases held and deadlines passed.
 */
@Repository
public class TaskLeaseRepository {

	private static final String CLAIM_TOGETHER = """
			UPDATE tasks t SET status = 'assigned', assigned_agent_id = c.agent, lease_epoch = t.lease_epoch + 1,
			       attempts = t.attempts + 1, assigned_at = ?, updated_at = ?, status_reason = c.reason,
			       not_before = NULL, deadline_at = NULL, progress = NULL, progress_message = NULL,
			       reserved_for = NULL
			FROM unnest(?, ?, ?) AS c(id, agent, reason)
			WHERE t.id = c.id AND t.status = 'queued'
			RETURNING t.id
			""";

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	private final FieldCipher cipher;

	private final TransactionRows transactionRows;

	private final TaskRepository tasks;

	private final boolean skipLocked;

	public TaskLeaseRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch, FieldCipher cipher,
			TransactionRows transactionRows, TaskRepository tasks, DataSource dataSource) {
		this.skipLocked = isPostgres(dataSource);
		this.jdbc = jdbc;
		this.batch = batch;
		this.cipher = cipher;
		this.transactionRows = transactionRows;
		this.tasks = tasks;
	}

	/**
	 * Whether locking reads skip rows that other transactions hold.
	 * @return true on PostgreSQL
	 */
	public boolean skipsLocked() {
		return this.skipLocked;
	}

	private static boolean isPostgres(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot tell which database this is", ex);
		}
	}

	/**
	 * On PostgreSQL, makes the rest of this transaction plan every statement for its
	 * actual values ({@code plan_cache_mode = force_custom_plan}). A dispatch round's
	 * reads run thousands of times a minute as prepared statements, and PostgreSQL would
	 * soon reuse one generic plan for them: chosen while the table was small, or without
	 * knowing the round's limit, that plan scans every ready row (or the whole capability
	 * table) where an index would read a few, and it stays cached while the queue grows.
	 * Planning a round's three statements afresh costs far less than one such scan.
	 */
	public void planForActualValues() {
		if (this.skipLocked) {
			this.jdbc.sql("SET LOCAL plan_cache_mode = force_custom_plan").update();
		}
	}

	/**
	 * Reads and locks the rows of several tasks, and their dependents, in two statements,
	 * for the reports of one group commit; {@link #lockForStatusChange} then hands each
	 * out without another query.
	 * @param ids the tasks
	 */
	public void lockAll(Collection<TaskId> ids) {
		if (ids.isEmpty()) {
			return;
		}
		List<Task> rows = this.jdbc
			.sql("SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE t.id IN (:ids) ORDER BY t.id FOR UPDATE")
			.param("ids", ids.stream().map(TaskId::value).toList())
			.query(TaskRows.bare(this.cipher))
			.list();
		this.transactionRows.remember(rows, this.tasks.dependentsOfAll(ids));
	}

	/**
	 * Reads and locks a task row for a status change, without its capabilities and
	 * dependencies (empty lists): the hot path of agent reports needs only the row.
	 * @param id the task
	 * @return the task, if it exists
	 */
	public Optional<Task> lockForStatusChange(TaskId id) {
		Optional<Task> locked = this.transactionRows.takeLocked(id);
		if (locked.isPresent()) {
			return locked;
		}
		return this.jdbc.sql("SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE t.id = :id FOR UPDATE")
			.param("id", id.value())
			.query(TaskRows.bare(this.cipher))
			.optional();
	}

	/**
	 * Queued tasks that may run now and that the offered capabilities cover, most urgent
	 * first, then oldest first. A task under a key that is not configured is left out (it
	 * waits); one that cannot be read is left out and handed to {@code unreadable}.
	 * @param now the current time (retry backoff)
	 * @param limit how many
	 * @param oldestFirst order by age alone (for aging) instead of priority
	 * @param offered the capabilities that available agents have
	 * @param unreadable receives the tasks that cannot be read
	 * @return the tasks
	 */
	public List<Task> dispatchable(Instant now, int limit, boolean oldestFirst, Collection<String> offered,
			Consumer<UnreadableTask> unreadable) {
		return dispatchable(now, limit, oldestFirst, WantedTasks.covering(Set.copyOf(offered)), false, unreadable);
	}

	/**
	 * Like {@link #dispatchable(Instant, int, boolean, Collection, Consumer)}, for the
	 * tasks the available agents could take, and on PostgreSQL, if {@code lock}, locks
	 * the rows it returns and skips rows that another transaction holds
	 * ({@code FOR UPDATE SKIP LOCKED}), so that several dispatchers and nodes share the
	 * queue without waiting on each other or claiming the same task.
	 * @param now the current time (retry backoff)
	 * @param limit how many
	 * @param oldestFirst order by time in the queue alone (for aging) instead of priority
	 * @param wanted which tasks the available agents could take
	 * @param lock lock the rows until the transaction ends
	 * @param unreadable receives the tasks that cannot be read
	 * @return the tasks
	 */
	public List<Task> dispatchable(Instant now, int limit, boolean oldestFirst, WantedTasks wanted, boolean lock,
			Consumer<UnreadableTask> unreadable) {
		Set<String> offered = wanted.offered();
		if (offered.isEmpty() && !wanted.uncategorised()) {
			return List.of();
		}
		Map<String, Object> params = new HashMap<>();
		params.put("now", SqlTimes.toDb(now));
		params.put("limit", limit);
		String covered;
		if (offered.isEmpty()) {
			covered = "NOT EXISTS (SELECT 1 FROM task_capabilities c WHERE c.task_id = t.id)";
		}
		else {
			covered = "NOT EXISTS (SELECT 1 FROM task_capabilities c WHERE c.task_id = t.id "
					+ "AND c.capability NOT IN (:offered))";
			params.put("offered", List.copyOf(offered));
		}
		if (!wanted.uncategorised()) {
			// only agents enrolled with a key are free: they take no task without a
			// capability
			covered += " AND EXISTS (SELECT 1 FROM task_capabilities r WHERE r.task_id = t.id)";
		}
		if (!wanted.heldCategories().isEmpty()) {
			covered += " AND (t.category IS NULL OR t.category NOT IN (:held))";
			params.put("held", List.copyOf(wanted.heldCategories()));
		}
		if (wanted.fairnessKey() != null) {
			covered += " AND t.fairness_key = :fairnessKey";
			params.put("fairnessKey", wanted.fairnessKey());
		}
		for (int i = 0; i < wanted.heldKeys().size(); i++) {
			HeldKeys held = wanted.heldKeys().get(i);
			// the column is one of TaskKey's constants, never input
			String column = held.key().column();
			covered += " AND NOT (" + column + " IS NOT NULL AND " + column + " IN (:heldKey" + i + ")"
					+ ((held.category() != null) ? " AND t.category IS NOT NULL AND t.category = :heldIn" + i : "")
					+ ")";
			params.put("heldKey" + i, List.copyOf(held.values()));
			if (held.category() != null) {
				params.put("heldIn" + i, held.category());
			}
		}
		// a task whose payload key is not configured waits, instead of failing every
		// round
		// (the start-up check and GET /api/admin/encryption name the missing key)
		String readable = "t.payload_key_id IS NULL";
		if (!this.cipher.keyIds().isEmpty()) {
			readable = "(t.payload_key_id IS NULL OR t.payload_key_id IN (:keyIds))";
			params.put("keyIds", this.cipher.keyIds());
		}
		return TaskRows.loadReadable(this.jdbc, this.cipher,
				"SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE t.status = 'queued' AND (t.not_before IS NULL OR "
						+ "t.not_before <= :now) AND " + covered + " AND " + readable + " ORDER BY "
						+ (oldestFirst ? "t.queued_at, t.seq" : "t.priority DESC, t.seq") + " LIMIT :limit"
						+ ((lock && this.skipLocked) ? " FOR UPDATE OF t SKIP LOCKED" : ""),
				params, unreadable);
	}

	/**
	 * Claims queued tasks for agents in one batch, each only if it is still queued: the
	 * lease epoch and the attempt count grow by one.
	 * @param claims the claimed tasks as they should be afterwards
	 * @return for each claim, whether it won its task
	 */
	public boolean[] claim(List<Task> claims) {
		claims.forEach((task) -> this.transactionRows.written(task.id()));
		if (claims.isEmpty()) {
			return new boolean[0];
		}
		if (this.skipLocked) {
			return claimTogether(claims);
		}
		SqlParameterSource[] batch = claims.stream()
			.map((task) -> new MapSqlParameterSource().addValue("id", task.id().value())
				.addValue("agent", task.assignedAgent().value())
				.addValue("reason", task.statusReason())
				.addValue("now", SqlTimes.toDb(task.updatedAt())))
			.toArray(SqlParameterSource[]::new);
		int[] counts = this.batch.batchUpdate("""
				UPDATE tasks SET status = 'assigned', assigned_agent_id = :agent, lease_epoch = lease_epoch + 1,
				       attempts = attempts + 1, assigned_at = :now, updated_at = :now, status_reason = :reason,
				       not_before = NULL, deadline_at = NULL, progress = NULL, progress_message = NULL,
				       reserved_for = NULL
				WHERE id = :id AND status = 'queued'
				""", batch);
		boolean[] won = new boolean[counts.length];
		for (int i = 0; i < counts.length; i++) {
			won[i] = counts[i] == 1 || counts[i] == Statement.SUCCESS_NO_INFO;
		}
		return won;
	}

	/**
	 * Claims on PostgreSQL: one {@code UPDATE … FROM unnest(…)} for the whole round,
	 * joined on the primary key (a batch of single-row updates, each guarded by
	 * {@code status = 'queued'}, lets the planner walk the ready-queue index for every
	 * row). A round's claims share one instant.
	 */
	private boolean[] claimTogether(List<Task> claims) {
		String[] ids = new String[claims.size()];
		String[] agents = new String[claims.size()];
		String[] reasons = new String[claims.size()];
		for (int i = 0; i < ids.length; i++) {
			Task task = claims.get(i);
			ids[i] = task.id().value();
			agents[i] = task.assignedAgent().value();
			reasons[i] = task.statusReason();
		}
		Set<String> won = new HashSet<>();
		this.batch.getJdbcTemplate().execute((Connection connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(CLAIM_TOGETHER)) {
				OffsetDateTime now = SqlTimes.toDb(claims.get(0).updatedAt());
				statement.setObject(1, now);
				statement.setObject(2, now);
				statement.setArray(3, connection.createArrayOf("varchar", ids));
				statement.setArray(4, connection.createArrayOf("varchar", agents));
				statement.setArray(5, connection.createArrayOf("varchar", reasons));
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						won.add(rs.getString(1));
					}
				}
			}
			return null;
		});
		boolean[] result = new boolean[ids.length];
		for (int i = 0; i < ids.length; i++) {
			result[i] = won.contains(ids[i]);
		}
		return result;
	}

	public void reserve(TaskId id, AgentId agent) {
		this.transactionRows.written(id);
		this.jdbc.sql("UPDATE tasks SET reserved_for = :agent WHERE id = :id")
			.param("id", id.value())
			.param("agent", agent.value())
			.update();
	}

	public void clearReservation(TaskId id) {
		this.transactionRows.written(id);
		this.jdbc.sql("UPDATE tasks SET reserved_for = NULL WHERE id = :id AND reserved_for IS NOT NULL")
			.param("id", id.value())
			.update();
	}

	/**
	 * Stores the progress of a task if the lease is still current.
	 * @param id the task
	 * @param agent the agent that reports
	 * @param epoch the lease it reports under
	 * @param progress percent done
	 * @param message a note
	 * @param now when
	 * @return {@code true} if the lease was current
	 */
	public boolean updateProgress(TaskId id, AgentId agent, long epoch, @Nullable Double progress,
			@Nullable String message, Instant now) {
		this.transactionRows.written(id);
		return this.jdbc
			.sql("""
					UPDATE tasks SET progress = COALESCE(:progress, progress), progress_message = :message, updated_at = :now
					WHERE id = :id AND assigned_agent_id = :agent AND lease_epoch = :epoch
					  AND status IN ('assigned', 'in_progress', 'input_required')
					""")
			.param("id", id.value())
			.param("agent", agent.value())
			.param("epoch", epoch)
			.param("progress", progress)
			.param("message", message)
			.param("now", SqlTimes.toDb(now))
			.update() == 1;
	}

	/**
	 * Tasks held by an agent (assigned or in progress).
	 * @param agent the agent
	 * @return the tasks
	 */
	public List<Task> heldBy(AgentId agent) {
		return TaskRows.load(this.jdbc, this.cipher,
				"SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE t.assigned_agent_id = :agent AND t.status IN "
						+ "('assigned', 'in_progress', 'input_required') ORDER BY t.seq",
				Map.of("agent", agent.value()));
	}

	/**
	 * Running tasks whose deadline has passed.
	 * @param now the current time
	 * @param limit how many at most
	 * @return the tasks
	 */
	public List<Task> pastDeadline(Instant now, int limit) {
		return TaskRows.load(this.jdbc, this.cipher,
				"SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE t.status = 'in_progress' AND t.deadline_at < :now "
						+ "ORDER BY t.deadline_at LIMIT :limit",
				Map.of("now", SqlTimes.toDb(now), "limit", limit));
	}

}
