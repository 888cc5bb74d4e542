package io.nexus.server.tasks.persistence;

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
import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskQuery;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores tasks, their required capabilities and their dependencies with plain SQL that
 * runs on H2 and PostgreSQL. Status changes are conditional on the current status, so
 * that two writers racing for one task cannot both win.
 */
@Repository
public class TaskRepository {

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	private final TransactionRows transactionRows;

	public TaskRepository(JdbcClient jdbc, FieldCipher cipher, TransactionRows transactionRows) {
		this.jdbc = jdbc;
		this.cipher = cipher;
		this.transactionRows = transactionRows;
	}

	public boolean exists(TaskId id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE id = :id")
			.param("id", id.value())
			.query(Long.class)
			.single() > 0;
	}

	public Optional<Task> findById(TaskId id) {
		return TaskRows
			.load(this.jdbc, this.cipher, "SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE t.id = :id",
					Map.of("id", id.value()))
			.stream()
			.findFirst();
	}

	/**
	 * Reads and locks a task row until the transaction ends.
	 * @param id the task
	 * @return the task, if it exists
	 */
	public Optional<Task> lockById(TaskId id) {
		return TaskRows
			.load(this.jdbc, this.cipher, "SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE t.id = :id FOR UPDATE",
					Map.of("id", id.value()))
			.stream()
			.findFirst();
	}

	/**
	 * Reads and locks a task row for a status change without its capabilities and
	 * dependencies (empty lists). Like every read, a stored value that cannot be read (it
	 * failed its integrity check or its key is missing) is {@code null} in the task
	 * returned and named in {@link Task#unreadable()}.
	 * @param id the task
	 * @return the task, if it exists
	 */
	public Optional<Task> lockBare(TaskId id) {
		return this.jdbc.sql("SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE t.id = :id FOR UPDATE")
			.param("id", id.value())
			.query(TaskRows.bare(this.cipher))
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

	/**
	 * The queued task that has waited longest, by the time it was queued.
	 * @return its id, or empty when none is queued
	 */
	public Optional<TaskId> oldestQueued() {
		return this.jdbc.sql("SELECT id FROM tasks WHERE status = 'queued' ORDER BY queued_at, seq LIMIT 1")
			.query((rs, rowNum) -> new TaskId(rs.getString("id")))
			.optional();
	}

	public List<Task> find(TaskQuery query, PageRequest page) {
		StringBuilder sql = new StringBuilder("SELECT " + TaskRows.COLUMNS + " FROM tasks t WHERE 1 = 1");
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
		return TaskRows.load(this.jdbc, this.cipher, sql.toString(), params);
	}

	/**
	 * The tasks that depend on the given one.
	 * @param id the task depended on
	 * @return the ids of its dependents
	 */
	public List<TaskId> dependentsOf(TaskId id) {
		Optional<List<TaskId>> known = this.transactionRows.takeDependents(id);
		if (known.isPresent()) {
			return known.get();
		}
		return this.jdbc.sql("SELECT task_id FROM task_dependencies WHERE depends_on = :id ORDER BY task_id")
			.param("id", id.value())
			.query((rs, rowNum) -> new TaskId(rs.getString("task_id")))
			.list();
	}

	/**
	 * The dependents of several tasks in one statement.
	 * @param ids the tasks depended on
	 * @return for each of them its dependents, in id order (an empty list for none)
	 */
	public Map<TaskId, List<TaskId>> dependentsOfAll(Collection<TaskId> ids) {
		Map<TaskId, List<TaskId>> result = new HashMap<>();
		if (ids.isEmpty()) {
			return result;
		}
		ids.forEach((id) -> result.put(id, new ArrayList<>()));
		this.jdbc
			.sql("SELECT depends_on, task_id FROM task_dependencies WHERE depends_on IN (:ids) ORDER BY depends_on, "
					+ "task_id")
			.param("ids", ids.stream().map(TaskId::value).toList())
			.query((rs) -> {
				result.get(new TaskId(rs.getString("depends_on"))).add(new TaskId(rs.getString("task_id")));
			});
		return result;
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
		return this.jdbc.sql(
				"SELECT id FROM tasks WHERE assigned_agent_id = :agent AND status IN ('assigned', 'in_progress', 'input_required') "
						+ "ORDER BY id")
			.param("agent", agent.value())
			.query((rs, rowNum) -> new TaskId(rs.getString("id")))
			.list();
	}

	public long countActive(AgentId agent) {
		return this.jdbc.sql(
				"SELECT COUNT(*) FROM tasks WHERE assigned_agent_id = :agent AND status IN ('assigned', 'in_progress', 'input_required')")
			.param("agent", agent.value())
			.query(Long.class)
			.single();
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
		this.transactionRows.written(change.id());
		// the result is written only when there is one, together with its key id
		FieldCipher.Sealed result = this.cipher.seal(change.resultJson(), TaskRows.RESULT, change.id().value());
		String setResult = (result.value() != null) ? "result = :result, result_key_id = :resultKeyId," : "";
		return this.jdbc.sql("""
				UPDATE tasks SET status = :to, status_reason = :reason, updated_at = :now,
				       assigned_agent_id = :agent, lease_epoch = :leaseEpoch,
				       attempts = GREATEST(attempts + :attemptsDelta, 0),
				       queued_at = COALESCE(:queuedAt, queued_at), assigned_at = COALESCE(:assignedAt, assigned_at),
				       started_at = COALESCE(:startedAt, started_at), finished_at = COALESCE(:finishedAt, finished_at),
				       actual_duration = COALESCE(:actualDuration, actual_duration), %s
				       not_before = :notBefore, deadline_at = :deadline,
				       reserved_for = CASE WHEN :to = 'assigned' THEN reserved_for ELSE NULL END,
				       progress = CASE WHEN :to IN ('queued', 'assigned') THEN NULL ELSE progress END,
				       progress_message = CASE WHEN :to IN ('queued', 'assigned') THEN NULL ELSE progress_message END
				WHERE id = :id AND status = :from
				""".formatted(setResult))
			.param("id", change.id().value())
			.param("from", change.from().wireName())
			.param("to", change.to().wireName())
			.param("reason", change.reason())
			.param("now", SqlTimes.toDb(change.now()))
			.param("agent", (change.agent() != null) ? change.agent().value() : null)
			.param("leaseEpoch", change.leaseEpoch())
			.param("attemptsDelta", change.attemptsDelta())
			.param("queuedAt", SqlTimes.toDb(change.to() == TaskStatus.QUEUED ? change.now() : null))
			.param("assignedAt", SqlTimes.toDb(change.to() == TaskStatus.ASSIGNED ? change.now() : null))
			.param("startedAt",
					SqlTimes.toDb((change.to() == TaskStatus.IN_PROGRESS && change.from() != TaskStatus.INPUT_REQUIRED)
							? change.now() : null))
			.param("finishedAt", SqlTimes.toDb(change.to().isTerminal() ? change.now() : null))
			.param("actualDuration", change.actualDuration())
			.param("result", result.value())
			.param("resultKeyId", result.keyId())
			.param("notBefore", SqlTimes.toDb(change.notBefore()))
			.param("deadline", SqlTimes.toDb(change.deadline()))
			.update() == 1;
	}

	public void updateDefinition(TaskId id, String title, @Nullable String description, TaskPriority priority,
			@Nullable Integer estimatedDuration, @Nullable Integer actualDuration, Instant now) {
		this.transactionRows.written(id);
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

}
