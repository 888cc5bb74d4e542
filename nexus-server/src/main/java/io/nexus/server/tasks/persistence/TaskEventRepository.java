package io.nexus.server.tasks.persistence;

import java.util.List;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.TaskEvent;
import io.nexus.server.tasks.TaskId;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The append-only history of task state changes.
 */
@Repository
public class TaskEventRepository {

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	private final TransactionRows transactionRows;

	public TaskEventRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch, TransactionRows transactionRows) {
		this.jdbc = jdbc;
		this.batch = batch;
		this.transactionRows = transactionRows;
	}

	/**
	 * Appends an event. Inside a transaction it is buffered and written with the others
	 * of that transaction in one batch just before the commit, so it commits or rolls
	 * back with the change it records.
	 * @param event the event
	 */
	public void append(TaskEvent event) {
		this.transactionRows.buffer(event, this::appendAll);
	}

	/**
	 * Appends many events in one batch.
	 * @param events the events
	 */
	public void appendAll(List<TaskEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		this.batch.batchUpdate("""
				INSERT INTO task_events (task_id, from_status, to_status, actor, reason, agent_id, lease_epoch,
				                         occurred_at)
				VALUES (:taskId, :from, :to, :actor, :reason, :agentId, :leaseEpoch, :occurredAt)
				""",
				events.stream()
					.map((event) -> new MapSqlParameterSource().addValue("taskId", event.taskId().value())
						.addValue("from", (event.fromStatus() != null) ? event.fromStatus().wireName() : null)
						.addValue("to", event.toStatus().wireName())
						.addValue("actor", event.actor())
						.addValue("reason", event.reason())
						.addValue("agentId", event.agentId())
						.addValue("leaseEpoch", event.leaseEpoch())
						.addValue("occurredAt", SqlTimes.toDb(event.occurredAt())))
					.toArray(SqlParameterSource[]::new));
	}

	public List<TaskEvent> historyOf(TaskId id) {
		this.transactionRows.flushEvents();
		return this.jdbc.sql("""
				SELECT seq, task_id, from_status, to_status, actor, reason, agent_id, lease_epoch, occurred_at
				FROM task_events WHERE task_id = :id ORDER BY seq
				""").param("id", id.value()).query((rs, rowNum) -> {
			String from = rs.getString("from_status");
			return new TaskEvent(rs.getLong("seq"), new TaskId(rs.getString("task_id")),
					(from != null) ? TaskStatus.fromWireName(from) : null,
					TaskStatus.fromWireName(rs.getString("to_status")), rs.getString("actor"), rs.getString("reason"),
					rs.getString("agent_id"), rs.getLong("lease_epoch"), SqlTimes.requiredFromDb(rs, "occurred_at"));
		}).list();
	}

}
