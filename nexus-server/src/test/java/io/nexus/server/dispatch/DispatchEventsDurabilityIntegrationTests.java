package io.nexus.server.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskLeases;
import io.nexus.server.tasks.TaskService;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@link DispatchEvents} writes after a commit (a drained agent paused, a task
 * returned to the queue or failed as poison) is committed in a transaction of its own
 * before the listener returns. Each test commits a change, and right after the listener,
 * still inside the committing thread's after-commit phase, reads the result through a
 * fresh connection: a write that only joined the committed transaction would not be
 * visible there yet.
 */
@TestPropertySource(properties = "nexus.encryption.key=key-poison:" + PoisonTaskIntegrationTests.KEY)
class DispatchEventsDurabilityIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private PlatformTransactionManager transactions;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private AgentRegistry registry;

	@Autowired
	private TaskLeases leases;

	@Autowired
	private TaskService tasks;

	@Test
	void drainingAnIdleAgentPausesItDurably() {
		String[] agent = registerAgent("durable-drain", "durable-drain");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String seen = commitThenReadFresh(
					() -> this.registry.setStatus(new AgentId(agent[0]), AgentStatus.DRAINING),
					"SELECT status FROM agents WHERE id = ?", agent[0]);

			assertThat(seen).isEqualTo("paused");
		}
	}

	@Test
	void drainingAgentFinishingItsLastTaskIsPausedDurably() {
		String[] agent = registerAgent("durable-last", "durable-last");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"last\",\"category\":\"durable-last\"}");
			JsonNode assigned = socket.next("task_assigned");
			long epoch = assigned.get("lease_epoch").asLong();
			socket.send("{\"type\":\"task_accept\",\"id\":\"a1\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch
					+ "}");
			await().until(() -> "in_progress".equals(this.api.get("/api/tasks/" + task).field("status")));
			assertThat(this.api.post("/api/agents/" + agent[0] + "/drain", "{}").field("status")).isEqualTo("draining");

			String seen = commitThenReadFresh(
					() -> this.leases.complete(new Lease(new TaskId(task), new AgentId(agent[0]), epoch), null),
					"SELECT status FROM agents WHERE id = ?", agent[0]);

			assertThat(seen).isEqualTo("paused");
		}
	}

	@Test
	void manuallyAssignedTaskUnderAMissingKeyReturnsToTheQueueDurably() {
		String[] agent = registerAgent("durable-release", "durable-other");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"orphan\",\"required_capabilities\":[\"durable-none\"],"
					+ "\"payload\":{\"name\":\"orphan\"}}");

			String seen = commitThenReadFresh(() -> {
				this.tasks.assign(new TaskId(task), new AgentId(agent[0]), true, "admin");
				this.jdbc.sql("UPDATE tasks SET payload_key_id = 'gone' WHERE id = :id").param("id", task).update();
			}, "SELECT status FROM tasks WHERE id = ?", task);

			assertThat(seen).isEqualTo("queued");
			this.jdbc.sql("UPDATE tasks SET status = 'cancelled', payload_key_id = 'key-poison' WHERE id = :id")
				.param("id", task)
				.update();
		}
	}

	@Test
	void manuallyAssignedTaskWithATamperedPayloadFailsDurably() {
		String[] agent = registerAgent("durable-poison", "durable-other");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"tampered\",\"required_capabilities\":[\"durable-none\"],"
					+ "\"payload\":{\"name\":\"tampered\"}}");

			String seen = commitThenReadFresh(() -> {
				this.tasks.assign(new TaskId(task), new AgentId(agent[0]), true, "admin");
				tamper(task);
			}, "SELECT status FROM tasks WHERE id = ?", task);

			assertThat(seen).isEqualTo("failed");
		}
	}

	private String commitThenReadFresh(Runnable change, String sql, String id) {
		AtomicReference<String> seen = new AtomicReference<>();
		new TransactionTemplate(this.transactions).executeWithoutResult((status) -> {
			change.run();
			// after-commit listeners run in afterCompletion, in the order registered:
			// this runs right after DispatchEvents, before the connection is released
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCompletion(int status) {
					seen.set(readFresh(sql, id));
				}

			});
		});
		return seen.get();
	}

	private String readFresh(String sql, String id) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, id);
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? rows.getString(1) : "(none)";
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void tamper(String task) {
		String stored = this.jdbc.sql("SELECT payload FROM tasks WHERE id = :id")
			.param("id", task)
			.query(String.class)
			.single();
		byte[] bytes = Base64.getDecoder().decode(stored.substring("nxenc:v1:".length()));
		bytes[bytes.length - 20] ^= 4;
		this.jdbc.sql("UPDATE tasks SET payload = :payload WHERE id = :id")
			.param("payload", "nxenc:v1:" + Base64.getEncoder().encodeToString(bytes))
			.param("id", task)
			.update();
	}

	private String[] registerAgent(String name, String capability) {
		Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability + "\"]}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
