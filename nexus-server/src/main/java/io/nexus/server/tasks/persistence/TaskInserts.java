package io.nexus.server.tasks.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskBudget;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The writes and look-ups of task creation: new tasks inserted in batches, chosen ids and
 * idempotency keys checked with one query each, whatever the number of tasks.
 */
@Repository
public class TaskInserts {

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	private final FieldCipher cipher;

	public TaskInserts(JdbcClient jdbc, NamedParameterJdbcTemplate batch, FieldCipher cipher) {
		this.jdbc = jdbc;
		this.batch = batch;
		this.cipher = cipher;
	}

	/**
	 * Keeps the time a new task was created to run at, in the transaction that creates
	 * the task.
	 * @param id the task
	 * @param runAt the time
	 */
	public void insertRunAt(TaskId id, Instant runAt) {
		this.jdbc.sql("INSERT INTO task_run_at (task_id, run_at) VALUES (:id, :runAt)")
			.param("id", id.value())
			.param("runAt", SqlTimes.toDb(runAt))
			.update();
	}

	/**
	 * The time a task was created to run at.
	 * @param id the task
	 * @return the time, or {@code null} if it was created to run at once
	 */
	public @Nullable Instant runAt(TaskId id) {
		return this.jdbc.sql("SELECT run_at FROM task_run_at WHERE task_id = :id")
			.param("id", id.value())
			.query((rs, row) -> SqlTimes.fromDb(rs, "run_at"))
			.optional()
			.orElse(null);
	}

	/**
	 * Stores a new task's own budget, in the transaction that creates the task.
	 * @param id the task
	 * @param budget its budget
	 */
	public void insertBudget(TaskId id, TaskBudget budget) {
		this.jdbc
			.sql("INSERT INTO task_budgets (task_id, max_tokens, max_cost, currency, on_exceed) "
					+ "VALUES (:id, :maxTokens, :maxCost, :currency, :onExceed)")
			.param("id", id.value())
			.param("maxTokens", budget.maxTokens())
			.param("maxCost", budget.maxCost())
			.param("currency", budget.currency())
			.param("onExceed", budget.effectiveOnExceed().wireName())
			.update();
	}

	/**
	 * Inserts new tasks with their capabilities and dependencies in three batched
	 * statements, whatever their number; dependencies may name tasks of the same batch.
	 * @param tasks the tasks
	 * @param requestHashes the hash of each task's creating request, where it has an
	 * idempotency key ({@code null} elsewhere), in the order of {@code tasks}
	 */
	public void insertAll(List<Task> tasks, List<@Nullable String> requestHashes) {
		if (tasks.isEmpty()) {
			return;
		}
		List<SqlParameterSource> rows = new ArrayList<>(tasks.size());
		List<SqlParameterSource> capabilities = new ArrayList<>();
		List<SqlParameterSource> dependencies = new ArrayList<>();
		for (int i = 0; i < tasks.size(); i++) {
			Task task = tasks.get(i);
			FieldCipher.Sealed payload = this.cipher.seal(task.payloadJson(), TaskRows.PAYLOAD, task.id().value());
			rows.add(new MapSqlParameterSource().addValue("id", task.id().value())
				.addValue("title", task.title())
				.addValue("description", task.description())
				.addValue("priority", task.priority().rank())
				.addValue("category", task.category())
				.addValue("status", task.status().wireName())
				.addValue("statusReason", task.statusReason())
				.addValue("payload", payload.value())
				.addValue("payloadKeyId", payload.keyId())
				.addValue("estimatedDuration", task.estimatedDuration())
				.addValue("maxAttempts", task.maxAttempts())
				.addValue("timeoutSeconds", task.timeoutSeconds())
				.addValue("idempotencyKey", task.idempotencyKey())
				.addValue("requestHash", requestHashes.get(i))
				.addValue("retryOf", (task.retryOf() != null) ? task.retryOf().value() : null)
				.addValue("createdBy", task.createdBy())
				.addValue("createdAt", SqlTimes.toDb(task.createdAt()))
				.addValue("queuedAt", SqlTimes.toDb(task.queuedAt()))
				.addValue("traceparent", task.traceparent())
				.addValue("agentSelector", (task.agentSelector() != null) ? task.agentSelector().toJson() : null)
				.addValue("fairnessKey", task.fairnessKey())
				.addValue("notBefore", SqlTimes.toDb(task.notBefore())));
			for (String capability : task.requiredCapabilities()) {
				capabilities.add(new MapSqlParameterSource().addValue("id", task.id().value())
					.addValue("capability", capability));
			}
			for (TaskId dependency : task.dependencies()) {
				dependencies.add(new MapSqlParameterSource().addValue("id", task.id().value())
					.addValue("dependency", dependency.value()));
			}
		}
		this.batch.batchUpdate(
				"""
						INSERT INTO tasks (id, title, description, priority, category, status, status_reason, payload,
						                   payload_key_id, estimated_duration, max_attempts, attempts, timeout_seconds, idempotency_key,
						                   request_hash, lease_epoch, retry_of, created_by, created_at, updated_at, queued_at,
						                   traceparent, agent_selector, fairness_key, not_before)
						VALUES (:id, :title, :description, :priority, :category, :status, :statusReason, :payload,
						        :payloadKeyId, :estimatedDuration, :maxAttempts, 0, :timeoutSeconds, :idempotencyKey,
						        :requestHash, 0, :retryOf, :createdBy, :createdAt, :createdAt, :queuedAt,
						        :traceparent, :agentSelector, :fairnessKey, :notBefore)
						""",
				rows.toArray(SqlParameterSource[]::new));
		if (!capabilities.isEmpty()) {
			this.batch.batchUpdate("INSERT INTO task_capabilities (task_id, capability) VALUES (:id, :capability)",
					capabilities.toArray(SqlParameterSource[]::new));
		}
		if (!dependencies.isEmpty()) {
			this.batch.batchUpdate("INSERT INTO task_dependencies (task_id, depends_on) VALUES (:id, :dependency)",
					dependencies.toArray(SqlParameterSource[]::new));
		}
	}

	/**
	 * Which of the given ids are taken.
	 * @param ids task ids
	 * @return those that exist
	 */
	public Set<TaskId> existing(Collection<TaskId> ids) {
		Set<TaskId> found = new HashSet<>();
		if (ids.isEmpty()) {
			return found;
		}
		this.jdbc.sql("SELECT id FROM tasks WHERE id IN (:ids)")
			.param("ids", ids.stream().map(TaskId::value).toList())
			.query((rs) -> {
				found.add(new TaskId(rs.getString("id")));
			});
		return found;
	}

	/**
	 * The tasks created under any of the given idempotency keys.
	 * @param keys idempotency keys
	 * @return each key that was used, with its task
	 */
	public Map<String, IdempotentMatch> findByIdempotencyKeys(Collection<String> keys) {
		Map<String, IdempotentMatch> found = new HashMap<>();
		if (keys.isEmpty()) {
			return found;
		}
		this.jdbc.sql("SELECT id, idempotency_key, request_hash FROM tasks WHERE idempotency_key IN (:keys)")
			.param("keys", List.copyOf(keys))
			.query((rs) -> {
				found.put(rs.getString("idempotency_key"),
						new IdempotentMatch(new TaskId(rs.getString("id")), rs.getString("request_hash")));
			});
		return found;
	}

	/**
	 * A task found by its idempotency key, with the hash of the request that created it.
	 *
	 * @param id the task
	 * @param requestHash the hash of the creating request
	 */
	public record IdempotentMatch(TaskId id, @Nullable String requestHash) {

	}

}
