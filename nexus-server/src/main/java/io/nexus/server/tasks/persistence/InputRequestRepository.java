package io.nexus.server.tasks.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.server.agents.AgentId;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.InputQuestion;
import io.nexus.server.tasks.TaskId;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The questions agents ask people about their tasks ({@code task_input_requests}).
 */
@Repository
public class InputRequestRepository {

	private static final String COLUMNS = "task_id, request_id, lease_epoch, agent_id, prompt, answer_schema, state, "
			+ "requested_at, expires_at, remaining_ms, answer, answered_by, answered_at, delivered_at";

	private final JdbcClient jdbc;

	public InputRequestRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(InputQuestion question) {
		this.jdbc
			.sql("INSERT INTO task_input_requests (" + COLUMNS + ") VALUES (:taskId, :requestId, :epoch, :agent, "
					+ ":prompt, :schema, :state, :requestedAt, :expiresAt, :remaining, NULL, NULL, NULL, NULL)")
			.param("taskId", question.taskId().value())
			.param("requestId", question.requestId())
			.param("epoch", question.leaseEpoch())
			.param("agent", question.agentId().value())
			.param("prompt", question.prompt())
			.param("schema", question.schemaJson())
			.param("state", question.state())
			.param("requestedAt", SqlTimes.toDb(question.requestedAt()))
			.param("expiresAt", SqlTimes.toDb(question.expiresAt()))
			.param("remaining", question.remainingMillis())
			.update();
	}

	public Optional<InputQuestion> find(TaskId taskId, String requestId) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM task_input_requests WHERE task_id = :taskId AND request_id = :requestId")
			.param("taskId", taskId.value())
			.param("requestId", requestId)
			.query(InputRequestRepository::row)
			.optional();
	}

	/**
	 * The latest question of a task.
	 * @param taskId the task
	 * @return the question asked last, if any
	 */
	public Optional<InputQuestion> latest(TaskId taskId) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM task_input_requests WHERE task_id = :taskId "
					+ "ORDER BY requested_at DESC, request_id DESC")
			.param("taskId", taskId.value())
			.query(InputRequestRepository::row)
			.list()
			.stream()
			.findFirst();
	}

	public boolean answer(TaskId taskId, String requestId, String answerJson, String actor, Instant now) {
		return this.jdbc
			.sql("UPDATE task_input_requests SET state = 'answered', answer = :answer, answered_by = :actor, "
					+ "answered_at = :now WHERE task_id = :taskId AND request_id = :requestId AND state = 'open'")
			.param("answer", answerJson)
			.param("actor", actor)
			.param("now", SqlTimes.toDb(now))
			.param("taskId", taskId.value())
			.param("requestId", requestId)
			.update() == 1;
	}

	public void setState(TaskId taskId, String requestId, String state) {
		this.jdbc
			.sql("UPDATE task_input_requests SET state = :state WHERE task_id = :taskId AND request_id = :requestId")
			.param("state", state)
			.param("taskId", taskId.value())
			.param("requestId", requestId)
			.update();
	}

	/**
	 * Closes the open questions of a task that moved on without an answer.
	 * @param taskId the task
	 * @return how many were closed
	 */
	public int closeOpen(TaskId taskId) {
		return this.jdbc
			.sql("UPDATE task_input_requests SET state = 'closed' WHERE task_id = :taskId AND state = 'open'")
			.param("taskId", taskId.value())
			.update();
	}

	public void delivered(TaskId taskId, String requestId, Instant now) {
		this.jdbc
			.sql("UPDATE task_input_requests SET delivered_at = :now WHERE task_id = :taskId "
					+ "AND request_id = :requestId")
			.param("now", SqlTimes.toDb(now))
			.param("taskId", taskId.value())
			.param("requestId", requestId)
			.update();
	}

	/**
	 * Open questions whose input timeout has passed.
	 * @param now the current time
	 * @param limit how many at most
	 * @return the questions, the longest expired first
	 */
	public List<InputQuestion> expired(Instant now, int limit) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM task_input_requests WHERE state = 'open' AND expires_at < :now "
					+ "ORDER BY expires_at LIMIT :limit")
			.param("now", SqlTimes.toDb(now))
			.param("limit", limit)
			.query(InputRequestRepository::row)
			.list();
	}

	/**
	 * Open questions, the oldest first.
	 * @param limit how many at most
	 * @return the questions
	 */
	public List<InputQuestion> open(int limit) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM task_input_requests WHERE state = 'open' "
					+ "ORDER BY requested_at, task_id LIMIT :limit")
			.param("limit", limit)
			.query(InputRequestRepository::row)
			.list();
	}

	public long countOpen() {
		return this.jdbc.sql("SELECT COUNT(*) FROM task_input_requests WHERE state = 'open'")
			.query(Long.class)
			.single();
	}

	private static InputQuestion row(ResultSet rs, int rowNum) throws SQLException {
		return new InputQuestion(new TaskId(rs.getString("task_id")), rs.getString("request_id"),
				rs.getLong("lease_epoch"), new AgentId(rs.getString("agent_id")), rs.getString("prompt"),
				rs.getString("answer_schema"), rs.getString("state"), SqlTimes.requiredFromDb(rs, "requested_at"),
				SqlTimes.requiredFromDb(rs, "expires_at"), rs.getLong("remaining_ms"), rs.getString("answer"),
				rs.getString("answered_by"), SqlTimes.fromDb(rs, "answered_at"), SqlTimes.fromDb(rs, "delivered_at"));
	}

}
