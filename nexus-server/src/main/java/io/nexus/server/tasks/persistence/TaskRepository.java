package io.nexus.server.tasks.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskQuery;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores tasks, their required capabilities and their dependencies with plain SQL that
 * runs on H2 and PostgreSQL. Status changes are conditional on the current status, so
 * that two writers racing for one task cannot both win.
 */
@Repository
public class TaskRepository {

	private static final String COLUMNS = "t.seq, t.id, t.title, t.description, t.priority, t.category, t.status, "
			+ "t.status_reason, t.payload, t.result, t.estimated_duration, t.actual_duration, t.max_attempts, "
			+ "t.attempts, t.timeout_seconds, t.idempotency_key, t.assigned_agent_id, t.lease_epoch, t.retry_of, "
			+ "t.created_by, t.created_at, t.updated_at, t.queued_at, t.assigned_at, t.started_at, t.finished_at, "
			+ "t.not_before, t.deadline_at, t.progress, t.progress_message, t.reserved_for, " + "t.traceparent";

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	public TaskRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	public void insert(Task task, @Nullable String requestHash) {
		this.jdbc.sql("""
				INSERT INTO tasks (id, title, description, priority, category, status, status_reason, payload,
				                   estimated_duration, max_attempts, attempts, timeout_seconds, idempotency_key,
				                   request_hash, lease_epoch, retry_of, created_by, created_at, updated_at, queued_at,
				                   traceparent)
				VALUES (:id, :title, :description, :priority, :category, :status, :statusReason, :payload,
				        :estimatedDuration, :maxAttempts, 0, :timeoutSeconds, :idempotencyKey,
				        :requestHash, 0, :retryOf, :createdBy, :createdAt, :createdAt, :queuedAt,
				        :traceparent)
				""")
			.param("id", task.id().value())
			.param("title", task.title())
			.param("description", task.description())
			.param("priority", task.priority().rank())
			.param("category", task.category())
			.param("status", task.status().wireName())
			.param("statusReason", task.statusReason())
			.param("payload", task.payloadJson())
			.param("estimatedDuration", task.estimatedDuration())
			.param("maxAttempts", task.maxAttempts())
			.param("timeoutSeconds", task.timeoutSeconds())
			.param("idempotencyKey", task.idempotencyKey())
			.param("requestHash", requestHash)
			.param("retryOf", (task.retryOf() != null) ? task.retryOf().value() : null)
			.param("createdBy", task.createdBy())
			.param("createdAt", SqlTimes.toDb(task.createdAt()))
			.param("queuedAt", SqlTimes.toDb(task.queuedAt()))
			.param("traceparent", task.traceparent())
			.update();
		for (String capability : task.requiredCapabilities()) {
			this.jdbc.sql("INSERT INTO task_capabilities (task_id, capability) VALUES (:id, :capability)")
				.param("id", task.id().value())
				.param("capability", capability)
				.update();
		}
		for (TaskId dependency : task.dependencies()) {
			this.jdbc.sql("INSERT INTO task_dependencies (task_id, depends_on) VALUES (:id, :dependency)")
				.param("id", task.id().value())
				.param("dependency", dependency.value())
				.update();
		}
	}

	public boolean exists(TaskId id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE id = :id")
			.param("id", id.value())
			.query(Long.class)
			.single() > 0;
	}

	public Optional<Task> findById(TaskId id) {
		return load("SELECT " + COLUMNS + " FROM tasks t WHERE t.id = :id", Map.of("id", id.value())).stream()
			.findFirst();
	}

	/**
	 * Reads and locks a task row until the transaction ends.
	 * @param id the task
	 * @return the task, if it exists
	 */
	public Optional<Task> lockById(TaskId id) {
		return load("SELECT " + COLUMNS + " FROM tasks t WHERE t.id = :id FOR UPDATE", Map.of("id", id.value()))
			.stream()
			.findFirst();
	}

	/**
	 * Reads and locks a task row for a status change, without its capabilities and
	 * dependencies (empty lists): the hot path of agent reports needs only the row.
	 * @param id the task
	 * @return the task, if it exists
	 */
	public Optional<Task> lockForStatusChange(TaskId id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM tasks t WHERE t.id = :id FOR UPDATE")
			.param("id", id.value())
			.query(TaskRepository::row)
			.optional()
			.map((row) -> row.toTask(List.of(), List.of()));
	}

	public Optional<IdempotentMatch> findByIdempotencyKey(String key) {
		return this.jdbc.sql("SELECT id, request_hash FROM tasks WHERE idempotency_key = :key")
			.param("key", key)
			.query((rs, rowNum) -> new IdempotentMatch(new TaskId(rs.getString("id")), rs.getString("request_hash")))
			.optional();
	}

	/**
	 * Locks the given tasks and reads their status, so that none of them can change state
	 * while a dependent of theirs is being created.
	 * @param ids the tasks
	 * @return the status of each task that exists
	 */
	public Map<TaskId, TaskStatus> lockStatuses(Collection<TaskId> ids) {
		Map<TaskId, TaskStatus> result = new LinkedHashMap<>();
		if (ids.isEmpty()) {
			return result;
		}
		this.jdbc.sql("SELECT id, status FROM tasks WHERE id IN (:ids) ORDER BY id FOR UPDATE")
			.param("ids", ids.stream().map(TaskId::value).toList())
			.query((rs) -> {
				result.put(new TaskId(rs.getString("id")), TaskStatus.fromWireName(rs.getString("status")));
			});
		return result;
	}

	public List<Task> find(TaskQuery query, PageRequest page) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM tasks t WHERE 1 = 1");
		Map<String, Object> params = new HashMap<>();
		if (query.status() != null) {
			sql.append(" AND t.status = :status");
			params.put("status", query.status().wireName());
		}
		if (query.priority() != null) {
			sql.append(" AND t.priority = :priority");
			params.put("priority", query.priority().rank());
		}
		if (query.category() != null) {
			sql.append(" AND t.category = :category");
			params.put("category", query.category());
		}
		if (query.assignedAgent() != null) {
			sql.append(" AND t.assigned_agent_id = :agent");
			params.put("agent", query.assignedAgent().value());
		}
		if (page.afterSeq() != null) {
			sql.append(" AND t.seq < :afterSeq");
			params.put("afterSeq", page.afterSeq());
		}
		sql.append(" ORDER BY t.seq DESC LIMIT :limit");
		params.put("limit", page.limit() + 1);
		return load(sql.toString(), params);
	}

	/**
	 * The tasks that depend on the given one.
	 * @param id the task depended on
	 * @return the ids of its dependents
	 */
	public List<TaskId> dependentsOf(TaskId id) {
		return this.jdbc.sql("SELECT task_id FROM task_dependencies WHERE depends_on = :id ORDER BY task_id")
			.param("id", id.value())
			.query((rs, rowNum) -> new TaskId(rs.getString("task_id")))
			.list();
	}

	/**
	 * How many dependencies of a task have not completed.
	 * @param id the task
	 * @return the number of unfinished or unsuccessful dependencies
	 */
	public long unfinishedDependencies(TaskId id) {
		return this.jdbc.sql("""
				SELECT COUNT(*) FROM task_dependencies d JOIN tasks t ON t.id = d.depends_on
				WHERE d.task_id = :id AND t.status <> 'completed'
				""").param("id", id.value()).query(Long.class).single();
	}

	public List<TaskId> activeTasksOf(AgentId agent) {
		return this.jdbc
			.sql("SELECT id FROM tasks WHERE assigned_agent_id = :agent AND status IN ('assigned', 'in_progress') "
					+ "ORDER BY id")
			.param("agent", agent.value())
			.query((rs, rowNum) -> new TaskId(rs.getString("id")))
			.list();
	}

	public long countActive(AgentId agent) {
		return activeTasksOf(agent).size();
	}

	public Map<TaskStatus, Long> countByStatus() {
		Map<TaskStatus, Long> counts = new LinkedHashMap<>();
		for (TaskStatus status : TaskStatus.values()) {
			counts.put(status, 0L);
		}
		this.jdbc.sql("SELECT status, COUNT(*) AS n FROM tasks GROUP BY status").query((rs) -> {
			counts.put(TaskStatus.fromWireName(rs.getString("status")), rs.getLong("n"));
		});
		return counts;
	}

	/**
	 * Counts queued tasks by required capability: a task that needs several capabilities
	 * counts under each, a task that needs none under {@code ""}.
	 * @return queued tasks per capability
	 */
	public Map<String, Long> countQueuedByCapability() {
		Map<String, Long> counts = new LinkedHashMap<>();
		this.jdbc.sql("""
				SELECT c.capability, COUNT(*) AS n FROM tasks t JOIN task_capabilities c ON c.task_id = t.id
				WHERE t.status = 'queued' GROUP BY c.capability
				""").query((rs) -> {
			counts.put(rs.getString("capability"), rs.getLong("n"));
		});
		long none = this.jdbc.sql("""
				SELECT COUNT(*) FROM tasks t WHERE t.status = 'queued'
				AND NOT EXISTS (SELECT 1 FROM task_capabilities c WHERE c.task_id = t.id)
				""").query(Long.class).single();
		if (none > 0) {
			counts.put("", none);
		}
		return counts;
	}

	/**
	 * Applies a status change if the task is still in the expected status.
	 * @param change the change
	 * @return {@code true} if the row changed, {@code false} if the task had moved on
	 */
	public boolean applyTransition(StatusChange change) {
		return this.jdbc.sql("""
				UPDATE tasks SET status = :to, status_reason = :reason, updated_at = :now,
				       assigned_agent_id = :agent, lease_epoch = :leaseEpoch,
				       queued_at = COALESCE(:queuedAt, queued_at), assigned_at = COALESCE(:assignedAt, assigned_at),
				       started_at = COALESCE(:startedAt, started_at), finished_at = COALESCE(:finishedAt, finished_at),
				       actual_duration = COALESCE(:actualDuration, actual_duration), result = COALESCE(:result, result),
				       not_before = :notBefore, deadline_at = :deadline,
				       reserved_for = CASE WHEN :to = 'assigned' THEN reserved_for ELSE NULL END,
				       progress = CASE WHEN :to IN ('queued', 'assigned') THEN NULL ELSE progress END,
				       progress_message = CASE WHEN :to IN ('queued', 'assigned') THEN NULL ELSE progress_message END
				WHERE id = :id AND status = :from
				""")
			.param("id", change.id().value())
			.param("from", change.from().wireName())
			.param("to", change.to().wireName())
			.param("reason", change.reason())
			.param("now", SqlTimes.toDb(change.now()))
			.param("agent", (change.agent() != null) ? change.agent().value() : null)
			.param("leaseEpoch", change.leaseEpoch())
			.param("queuedAt", SqlTimes.toDb(change.to() == TaskStatus.QUEUED ? change.now() : null))
			.param("assignedAt", SqlTimes.toDb(change.to() == TaskStatus.ASSIGNED ? change.now() : null))
			.param("startedAt", SqlTimes.toDb(change.to() == TaskStatus.IN_PROGRESS ? change.now() : null))
			.param("finishedAt", SqlTimes.toDb(change.to().isTerminal() ? change.now() : null))
			.param("actualDuration", change.actualDuration())
			.param("result", change.resultJson())
			.param("notBefore", SqlTimes.toDb(change.notBefore()))
			.param("deadline", SqlTimes.toDb(change.deadline()))
			.update() == 1;
	}

	/**
	 * Queued tasks that may run now and that the offered capabilities cover, most urgent
	 * first, then oldest first.
	 * @param now the current time (retry backoff)
	 * @param limit how many
	 * @param oldestFirst order by age alone (for aging) instead of priority
	 * @param offered the capabilities that available agents have
	 * @return the tasks
	 */
	public List<Task> dispatchable(Instant now, int limit, boolean oldestFirst, Collection<String> offered) {
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
		return load("SELECT " + COLUMNS + " FROM tasks t WHERE t.status = 'queued' AND (t.not_before IS NULL OR "
				+ "t.not_before <= :now) AND " + covered + " ORDER BY "
				+ (oldestFirst ? "t.seq" : "t.priority DESC, t.seq") + " LIMIT :limit", params);
	}

	/**
	 * Claims queued tasks for agents in one batch, each only if it is still queued: the
	 * lease epoch and the attempt count grow by one.
	 * @param claims the claimed tasks as they should be afterwards
	 * @return for each claim, whether it won its task
	 */
	public boolean[] claim(List<Task> claims) {
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

	public void reserve(TaskId id, AgentId agent) {
		this.jdbc.sql("UPDATE tasks SET reserved_for = :agent WHERE id = :id")
			.param("id", id.value())
			.param("agent", agent.value())
			.update();
	}

	public void clearReservation(TaskId id) {
		this.jdbc.sql("UPDATE tasks SET reserved_for = NULL WHERE id = :id AND reserved_for IS NOT NULL")
			.param("id", id.value())
			.update();
	}

	public void incrementAttempts(TaskId id) {
		this.jdbc.sql("UPDATE tasks SET attempts = attempts + 1 WHERE id = :id").param("id", id.value()).update();
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
		return this.jdbc
			.sql("""
					UPDATE tasks SET progress = COALESCE(:progress, progress), progress_message = :message, updated_at = :now
					WHERE id = :id AND assigned_agent_id = :agent AND lease_epoch = :epoch
					  AND status IN ('assigned', 'in_progress')
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
		return load("SELECT " + COLUMNS + " FROM tasks t WHERE t.assigned_agent_id = :agent AND t.status IN "
				+ "('assigned', 'in_progress') ORDER BY t.seq", Map.of("agent", agent.value()));
	}

	/**
	 * Running tasks whose deadline has passed.
	 * @param now the current time
	 * @param limit how many at most
	 * @return the tasks
	 */
	public List<Task> pastDeadline(Instant now, int limit) {
		return load("SELECT " + COLUMNS + " FROM tasks t WHERE t.status = 'in_progress' AND t.deadline_at < :now "
				+ "ORDER BY t.deadline_at LIMIT :limit", Map.of("now", SqlTimes.toDb(now), "limit", limit));
	}

	public void updateDefinition(TaskId id, String title, @Nullable String description, TaskPriority priority,
			@Nullable Integer estimatedDuration, @Nullable Integer actualDuration, Instant now) {
		this.jdbc.sql("""
				UPDATE tasks SET title = :title, description = :description, priority = :priority,
				       estimated_duration = :estimatedDuration, actual_duration = :actualDuration, updated_at = :now
				WHERE id = :id
				""")
			.param("id", id.value())
			.param("title", title)
			.param("description", description)
			.param("priority", priority.rank())
			.param("estimatedDuration", estimatedDuration)
			.param("actualDuration", actualDuration)
			.param("now", SqlTimes.toDb(now))
			.update();
	}

	private List<Task> load(String sql, Map<String, Object> params) {
		List<Row> rows = this.jdbc.sql(sql).params(params).query(TaskRepository::row).list();
		if (rows.isEmpty()) {
			return List.of();
		}
		List<String> ids = rows.stream().map(Row::id).toList();
		Map<String, List<String>> capabilities = new HashMap<>();
		this.jdbc
			.sql("SELECT task_id, capability FROM task_capabilities WHERE task_id IN (:ids) "
					+ "ORDER BY task_id, capability")
			.param("ids", ids)
			.query((rs) -> {
				capabilities.computeIfAbsent(rs.getString("task_id"), (key) -> new ArrayList<>())
					.add(rs.getString("capability"));
			});
		Map<String, List<TaskId>> dependencies = new HashMap<>();
		this.jdbc
			.sql("SELECT task_id, depends_on FROM task_dependencies WHERE task_id IN (:ids) "
					+ "ORDER BY task_id, depends_on")
			.param("ids", ids)
			.query((rs) -> {
				dependencies.computeIfAbsent(rs.getString("task_id"), (key) -> new ArrayList<>())
					.add(new TaskId(rs.getString("depends_on")));
			});
		return rows.stream()
			.map((row) -> row.toTask(capabilities.getOrDefault(row.id(), List.of()),
					dependencies.getOrDefault(row.id(), List.of())))
			.toList();
	}

	private static Row row(ResultSet rs, int rowNum) throws SQLException {
		return new Row(rs.getLong("seq"), rs.getString("id"), rs.getString("title"), rs.getString("description"),
				rs.getInt("priority"), rs.getString("category"), rs.getString("status"), rs.getString("status_reason"),
				rs.getString("payload"), rs.getString("result"), nullableInt(rs, "estimated_duration"),
				nullableInt(rs, "actual_duration"), rs.getInt("max_attempts"), rs.getInt("attempts"),
				rs.getInt("timeout_seconds"), rs.getString("idempotency_key"), rs.getString("assigned_agent_id"),
				rs.getLong("lease_epoch"), rs.getString("retry_of"), rs.getString("created_by"),
				SqlTimes.requiredFromDb(rs, "created_at"), SqlTimes.requiredFromDb(rs, "updated_at"),
				SqlTimes.fromDb(rs, "queued_at"), SqlTimes.fromDb(rs, "assigned_at"), SqlTimes.fromDb(rs, "started_at"),
				SqlTimes.fromDb(rs, "finished_at"), SqlTimes.fromDb(rs, "not_before"),
				SqlTimes.fromDb(rs, "deadline_at"), nullableDouble(rs, "progress"), rs.getString("progress_message"),
				rs.getString("reserved_for"), rs.getString("traceparent"));
	}

	private static @Nullable Double nullableDouble(ResultSet rs, String column) throws SQLException {
		double value = rs.getDouble(column);
		return rs.wasNull() ? null : value;
	}

	private static @Nullable Integer nullableInt(ResultSet rs, String column) throws SQLException {
		int value = rs.getInt(column);
		return rs.wasNull() ? null : value;
	}

	/**
	 * A task found by its idempotency key, with the hash of the request that created it.
	 *
	 * @param id the task
	 * @param requestHash the hash of the creating request
	 */
	public record IdempotentMatch(TaskId id, @Nullable String requestHash) {

	}

	private record Row(long seq, String id, String title, @Nullable String description, int priority,
			@Nullable String category, String status, @Nullable String statusReason, @Nullable String payload,
			@Nullable String result, @Nullable Integer estimatedDuration, @Nullable Integer actualDuration,
			int maxAttempts, int attempts, int timeoutSeconds, @Nullable String idempotencyKey,
			@Nullable String assignedAgent, long leaseEpoch, @Nullable String retryOf, String createdBy,
			Instant createdAt, Instant updatedAt, @Nullable Instant queuedAt, @Nullable Instant assignedAt,
			@Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable Instant notBefore,
			@Nullable Instant deadlineAt, @Nullable Double progress, @Nullable String progressMessage,
			@Nullable String reservedFor, @Nullable String traceparent) {

		Task toTask(List<String> capabilities, List<TaskId> dependencies) {
			return new Task(new TaskId(this.id), this.title, this.description, TaskPriority.ofRank(this.priority),
					this.category, TaskStatus.fromWireName(this.status), this.statusReason, capabilities, dependencies,
					this.payload, this.result, this.estimatedDuration, this.actualDuration, this.maxAttempts,
					this.attempts, this.timeoutSeconds, this.idempotencyKey,
					(this.assignedAgent != null) ? new AgentId(this.assignedAgent) : null, this.leaseEpoch,
					(this.retryOf != null) ? new TaskId(this.retryOf) : null, this.createdBy, this.createdAt,
					this.updatedAt, this.queuedAt, this.assignedAt, this.startedAt, this.finishedAt, this.notBefore,
					this.deadlineAt, this.progress, this.progressMessage,
					(this.reservedFor != null) ? new AgentId(this.reservedFor) : null, this.traceparent, this.seq);
		}

	}

}
