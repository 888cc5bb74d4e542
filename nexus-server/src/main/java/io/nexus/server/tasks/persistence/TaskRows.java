package io.nexus.server.tasks.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.encryption.EncryptedValueInvalidException;
import io.nexus.server.encryption.EncryptionKeyMissingException;
import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.AgentSelector;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.UnreadableTask;
import io.nexus.server.tasks.UnreadableValue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How a task row is read: the columns, the mapping (which decrypts the payload and the
 * result), and the loading of its capabilities and dependencies, shared by the task
 * repositories.
 */
final class TaskRows {

	private static final Logger logger = LoggerFactory.getLogger(TaskRows.class);

	static final String COLUMNS = "t.seq, t.id, t.title, t.description, t.priority, t.category, t.status, "
			+ "t.status_reason, t.payload, t.result, t.estimated_duration, t.actual_duration, t.max_attempts, "
			+ "t.attempts, t.timeout_seconds, t.idempotency_key, t.assigned_agent_id, t.lease_epoch, t.retry_of, "
			+ "t.created_by, t.created_at, t.updated_at, t.queued_at, t.assigned_at, t.started_at, t.finished_at, "
			+ "t.not_before, t.deadline_at, t.progress, t.progress_message, t.reserved_for, t.traceparent, "
			+ "t.payload_key_id, t.result_key_id, t.agent_selector, t.fairness_key";

	/** The payload column, as bound into the associated data of its ciphertexts. */
	static final String PAYLOAD = "tasks.payload";

	/** The result column, as bound into the associated data of its ciphertexts. */
	static final String RESULT = "tasks.result";

	private TaskRows() {
	}

	static List<Task> load(JdbcClient jdbc, FieldCipher cipher, String sql, Map<String, Object> params) {
		List<Row> rows = jdbc.sql(sql).params(params).query(TaskRows::row).list();
		if (rows.isEmpty()) {
			return List.of();
		}
		Related related = related(jdbc, rows);
		return rows.stream().map((row) -> related.toTask(row, cipher)).toList();
	}

	/**
	 * Loads tasks like {@link #load} for dispatch, which must not deliver a payload it
	 * cannot read: a task whose payload key is not configured is left out (it waits for
	 * the key), and one whose payload failed its integrity check, or whose row cannot be
	 * mapped at all, is left out and handed to {@code unreadable}.
	 * @param jdbc the client
	 * @param cipher the cipher
	 * @param sql the query, selecting {@link #COLUMNS}
	 * @param params its parameters
	 * @param unreadable receives the rows that cannot be read
	 * @return the tasks that could be read
	 */
	static List<Task> loadReadable(JdbcClient jdbc, FieldCipher cipher, String sql, Map<String, Object> params,
			Consumer<UnreadableTask> unreadable) {
		List<Row> rows = jdbc.sql(sql).params(params).query(TaskRows::row).list();
		if (rows.isEmpty()) {
			return List.of();
		}
		Related related = related(jdbc, rows);
		List<Task> tasks = new ArrayList<>(rows.size());
		for (Row row : rows) {
			Task task;
			try {
				task = related.toTask(row, cipher);
			}
			catch (RuntimeException ex) {
				unreadable.accept(new UnreadableTask(new TaskId(row.id()), "row",
						"could not be read (" + ex.getClass().getSimpleName() + ")"));
				continue;
			}
			UnreadableValue payload = task.unreadablePayload();
			if (payload == null) {
				tasks.add(task);
			}
			else if (!payload.keyMissing()) {
				unreadable.accept(new UnreadableTask(task.id(), UnreadableValue.PAYLOAD,
						"encrypted value failed its integrity check"));
			}
			// else: the key may come back, the task waits
		}
		return tasks;
	}

	private static Related related(JdbcClient jdbc, List<Row> rows) {
		List<String> ids = rows.stream().map(Row::id).toList();
		Map<String, List<String>> capabilities = new HashMap<>();
		Map<String, List<TaskId>> dependencies = new HashMap<>();
		// one round trip for both
		jdbc.sql("SELECT task_id, 'c' AS kind, capability AS item FROM task_capabilities WHERE task_id IN (:ids) "
				+ "UNION ALL SELECT task_id, 'd' AS kind, depends_on AS item FROM task_dependencies "
				+ "WHERE task_id IN (:ids) ORDER BY 1, 2, 3")
			.param("ids", ids)
			.query((rs) -> {
				String taskId = rs.getString(1);
				if ("c".equals(rs.getString(2))) {
					capabilities.computeIfAbsent(taskId, (key) -> new ArrayList<>()).add(rs.getString(3));
				}
				else {
					dependencies.computeIfAbsent(taskId, (key) -> new ArrayList<>()).add(new TaskId(rs.getString(3)));
				}
			});
		return new Related(capabilities, dependencies);
	}

	/**
	 * Maps a row without its capabilities and dependencies (empty lists), for paths that
	 * need only the row. Like every mapping here, a value that cannot be read is
	 * {@code null} and listed in {@link Task#unreadable()}.
	 */
	static RowMapper<Task> bare(FieldCipher cipher) {
		return (rs, rowNum) -> row(rs, rowNum).toTask(cipher, List.of(), List.of());
	}

	static Row row(ResultSet rs, int rowNum) throws SQLException {
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
				rs.getString("reserved_for"), rs.getString("traceparent"), rs.getString("payload_key_id"),
				rs.getString("result_key_id"), rs.getString("agent_selector"), rs.getString("fairness_key"));
	}

	private static @Nullable Double nullableDouble(ResultSet rs, String column) throws SQLException {
		double value = rs.getDouble(column);
		return rs.wasNull() ? null : value;
	}

	private static @Nullable Integer nullableInt(ResultSet rs, String column) throws SQLException {
		int value = rs.getInt(column);
		return rs.wasNull() ? null : value;
	}

	private record Related(Map<String, List<String>> capabilities, Map<String, List<TaskId>> dependencies) {

		Task toTask(Row row, FieldCipher cipher) {
			return row.toTask(cipher, this.capabilities.getOrDefault(row.id(), List.of()),
					this.dependencies.getOrDefault(row.id(), List.of()));
		}

	}

	record Row(long seq, String id, String title, @Nullable String description, int priority, @Nullable String category,
			String status, @Nullable String statusReason, @Nullable String payload, @Nullable String result,
			@Nullable Integer estimatedDuration, @Nullable Integer actualDuration, int maxAttempts, int attempts,
			int timeoutSeconds, @Nullable String idempotencyKey, @Nullable String assignedAgent, long leaseEpoch,
			@Nullable String retryOf, String createdBy, Instant createdAt, Instant updatedAt,
			@Nullable Instant queuedAt, @Nullable Instant assignedAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, @Nullable Instant notBefore, @Nullable Instant deadlineAt,
			@Nullable Double progress, @Nullable String progressMessage, @Nullable String reservedFor,
			@Nullable String traceparent, @Nullable String payloadKeyId, @Nullable String resultKeyId,
			@Nullable String agentSelector, @Nullable String fairnessKey) {

		/**
		 * Maps the row, decrypting its payload and result. A value that fails its
		 * integrity check or whose key is not configured does not fail the mapping: it is
		 * {@code null} in the task and named in {@link Task#unreadable()}, so that one
		 * damaged value never breaks a page of tasks or an agent's registration.
		 */
		Task toTask(FieldCipher cipher, List<String> capabilities, List<TaskId> dependencies) {
			List<UnreadableValue> unreadable = new ArrayList<>(0);
			String payloadJson = open(cipher, this.payload, this.payloadKeyId, PAYLOAD, UnreadableValue.PAYLOAD,
					unreadable);
			String resultJson = open(cipher, this.result, this.resultKeyId, RESULT, UnreadableValue.RESULT, unreadable);
			return toTask(payloadJson, resultJson, capabilities, dependencies, unreadable);
		}

		private @Nullable String open(FieldCipher cipher, @Nullable String stored, @Nullable String keyId,
				String boundColumn, String column, List<UnreadableValue> unreadable) {
			try {
				return cipher.open(stored, keyId, boundColumn, this.id);
			}
			catch (EncryptionKeyMissingException ex) {
				unreadable.add(new UnreadableValue(column, true, keyId));
			}
			catch (EncryptedValueInvalidException ex) {
				logger.warn("Task {}: the stored {} (column tasks.{}, key {}) failed its integrity check; "
						+ "it is shown as unreadable", this.id, column, column, keyId);
				unreadable.add(new UnreadableValue(column, false, keyId));
			}
			return null;
		}

		private Task toTask(@Nullable String payloadJson, @Nullable String resultJson, List<String> capabilities,
				List<TaskId> dependencies, List<UnreadableValue> unreadable) {
			return new Task(new TaskId(this.id), this.title, this.description, TaskPriority.ofRank(this.priority),
					this.category, TaskStatus.fromWireName(this.status), this.statusReason, capabilities, dependencies,
					payloadJson, resultJson, this.estimatedDuration, this.actualDuration, this.maxAttempts,
					this.attempts, this.timeoutSeconds, this.idempotencyKey,
					(this.assignedAgent != null) ? new AgentId(this.assignedAgent) : null, this.leaseEpoch,
					(this.retryOf != null) ? new TaskId(this.retryOf) : null, this.createdBy, this.createdAt,
					this.updatedAt, this.queuedAt, this.assignedAt, this.startedAt, this.finishedAt, this.notBefore,
					this.deadlineAt, this.progress, this.progressMessage,
					(this.reservedFor != null) ? new AgentId(this.reservedFor) : null, this.traceparent,
					this.fairnessKey, this.seq, unreadable, AgentSelector.fromJson(this.agentSelector));
		}

	}

}
