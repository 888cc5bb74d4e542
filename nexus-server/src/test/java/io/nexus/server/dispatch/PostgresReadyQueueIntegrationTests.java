package io.nexus.server.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.PostgresDatabase;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ready queue on PostgreSQL: dispatch rounds lock the rows they read and skip rows
 * that another transaction holds ({@code FOR UPDATE SKIP LOCKED}), and choosing the next
 * tasks reads only queued rows, however many finished tasks the table holds.
 */
@PostgresDatabase
@TestPropertySource(properties = { "nexus.dispatch.reaper-interval=200ms", "nexus.dispatch.threads=2" })
class PostgresReadyQueueIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private DataSource dataSource;

	@Test
	void aRoundSkipsATaskThatAnotherTransactionHoldsAndTakesItOnceReleased() throws SQLException {
		String[] agent = registerAgent("skipper", "skip");
		String held = createTask("{\"title\":\"held\",\"category\":\"skip\",\"priority\":\"critical\"}");
		try (Connection other = this.dataSource.getConnection()) {
			other.setAutoCommit(false);
			try (PreparedStatement lock = other.prepareStatement("SELECT id FROM tasks WHERE id = ? FOR UPDATE")) {
				lock.setString(1, held);
				lock.executeQuery().close();
			}
			try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
				// the held task ranks first, yet the round neither waits for it nor
				// fails: it takes the next one
				String free = createTask("{\"title\":\"free\",\"category\":\"skip\",\"priority\":\"low\"}");
				JsonNode first = socket.next("task_assigned");
				assertThat(first.get("task_id").asString()).isEqualTo(free);
				assertThat(this.api.get("/api/tasks/" + held).field("status")).isEqualTo("queued");

				other.rollback();
				JsonNode second = socket.next("task_assigned");
				assertThat(second.get("task_id").asString()).isEqualTo(held);
			}
		}
	}

	@Test
	void choosingReadyTasksReadsQueuedRowsOnlyHoweverLongTheHistory() throws SQLException {
		// a history of finished tasks, as after months of running
		this.jdbc.sql("""
				INSERT INTO tasks (id, title, priority, category, status, max_attempts, timeout_seconds, created_by,
				                   created_at, updated_at, finished_at)
				SELECT 'old-' || n, 'old', 2, 'history', 'completed', 3, 60, 'test', now(), now(), now()
				FROM generate_series(1, 20000) AS n
				""").update();
		this.jdbc
			.sql("INSERT INTO task_capabilities (task_id, capability) SELECT id, 'history' FROM tasks "
					+ "WHERE id LIKE 'old-%'")
			.update();
		this.jdbc.sql("ANALYZE tasks").update();
		this.jdbc.sql("ANALYZE task_capabilities").update();
		String plan = explain("""
				SELECT t.id FROM tasks t WHERE t.status = 'queued' AND (t.not_before IS NULL OR t.not_before <= now())
				AND NOT EXISTS (SELECT 1 FROM task_capabilities c WHERE c.task_id = t.id AND c.capability NOT IN ('x'))
				ORDER BY t.priority DESC, t.seq LIMIT 200 FOR UPDATE OF t SKIP LOCKED
				""");
		assertThat(plan).contains("tasks_ready_priority_idx").doesNotContain("Seq Scan on tasks");
		String oldest = explain("""
				SELECT t.id FROM tasks t WHERE t.status = 'queued' AND (t.not_before IS NULL OR t.not_before <= now())
				ORDER BY t.queued_at, t.seq LIMIT 50 FOR UPDATE OF t SKIP LOCKED
				""");
		assertThat(oldest).contains("tasks_ready_age_idx").doesNotContain("Seq Scan on tasks");
	}

	@Test
	void statisticsFromABurstDoNotLeadReadsOrClaimsThroughTheHistory() throws SQLException {
		// all in one transaction that is rolled back, so that no agent of the shared
		// context ever sees these rows
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				// the statistics are taken while 20,000 tasks wait, as during a burst;
				// then
				// the tasks finish and the statistics lag behind: every full index looks
				// as
				// good as the ready queue's
				execute(connection, """
						INSERT INTO tasks (id, title, priority, category, status, max_attempts, timeout_seconds,
						                   created_by, created_at, updated_at, queued_at)
						SELECT 'burst-' || n, 'burst', 2, 'burst', 'queued', 3, 60, 'test', now(), now(), now()
						FROM generate_series(1, 20000) AS n
						""");
				execute(connection, "ANALYZE tasks");
				execute(connection, "UPDATE tasks SET status = 'completed' WHERE id LIKE 'burst-%'");
				String oldest = explain(connection, """
						SELECT t.id FROM tasks t WHERE t.status = 'queued'
						AND (t.not_before IS NULL OR t.not_before <= now())
						ORDER BY t.queued_at, t.seq LIMIT 50 FOR UPDATE OF t SKIP LOCKED
						""");
				assertThat(oldest).contains("tasks_ready_age_idx").doesNotContain("Seq Scan on tasks");
				String priority = explain(connection, """
						SELECT t.id FROM tasks t WHERE t.status = 'queued'
						AND (t.not_before IS NULL OR t.not_before <= now())
						ORDER BY t.priority DESC, t.seq LIMIT 200 FOR UPDATE OF t SKIP LOCKED
						""");
				assertThat(priority).contains("tasks_ready_priority_idx").doesNotContain("Seq Scan on tasks");
				// a claim finds its rows by primary key, never by walking the ready queue
				String claim = explain(connection, """
						UPDATE tasks t SET status = 'assigned', lease_epoch = t.lease_epoch + 1
						FROM unnest(CAST(ARRAY['burst-1', 'burst-2'] AS varchar[])) AS c(id)
						WHERE t.id = c.id AND t.status = 'queued'
						""");
				assertThat(claim).contains("tasks_pkey").doesNotContain("Seq Scan on tasks");
			}
			finally {
				connection.rollback();
			}
		}
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.execute();
		}
	}

	private static String explain(Connection connection, String query) throws SQLException {
		StringBuilder plan = new StringBuilder();
		try (PreparedStatement statement = connection.prepareStatement("EXPLAIN " + query);
				ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				plan.append(rows.getString(1)).append('\n');
			}
		}
		return plan.toString();
	}

	private String explain(String query) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			return explain(connection, query);
		}
	}

	private String[] registerAgent(String name, String capability) {
		Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":2}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
