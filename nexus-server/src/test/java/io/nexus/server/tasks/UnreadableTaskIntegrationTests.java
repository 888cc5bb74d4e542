package io.nexus.server.tasks;

import java.time.Duration;
import java.util.Base64;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One task whose payload or result cannot be read (it failed its integrity check, or its
 * key is missing) is shown with an {@code unreadable} marker and never breaks reads of
 * other tasks, list pages, the dashboard, or the registration of the agent that holds it.
 */
@TestPropertySource(properties = "nexus.encryption.key=key-unread:" + UnreadableTaskIntegrationTests.KEY)
class UnreadableTaskIntegrationTests extends ApiIntegrationTest {

	static final String KEY = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGho=";

	@Test
	void aListPageWithATamperedTaskAnswersWithTheOthersIntactAndTheBadOneMarked() {
		String category = "unreadable-list";
		String first = createTask(category, "good-1", "no-agent-has-this");
		String bad = createTask(category, "tampered", "no-agent-has-this");
		String second = createTask(category, "good-2", "no-agent-has-this");
		String closed = createTask(category, "closed", "no-agent-has-this");
		assertThat(this.api.put("/api/tasks/" + closed, "{\"status\":\"completed\",\"result\":{\"secret\":\"r-42\"}}")
			.status()).isEqualTo(200);
		tamper(bad, "payload");
		tamper(closed, "result");

		Response page = this.api.get("/api/tasks?category=" + category);
		assertThat(page.status()).as(page.body()).isEqualTo(200);
		JsonNode items = page.json().get("items");
		assertThat(items.size()).isEqualTo(4);
		for (JsonNode item : items) {
			String id = item.get("id").asString();
			if (id.equals(bad)) {
				assertThat(item.get("payload").isNull()).isTrue();
				assertThat(item.get("unreadable").toString()).isEqualTo("[\"payload: integrity check failed\"]");
				assertThat(item.get("title").asString()).isEqualTo("tampered");
			}
			else if (id.equals(closed)) {
				assertThat(item.get("payload").get("name").asString()).isEqualTo("closed");
				assertThat(item.get("result").isNull()).isTrue();
				assertThat(item.get("unreadable").toString()).isEqualTo("[\"result: integrity check failed\"]");
			}
			else {
				assertThat(id).isIn(first, second);
				assertThat(item.get("payload").get("name").asString()).startsWith("good-");
				assertThat(item.get("unreadable").size()).isZero();
			}
		}
		assertThat(page.body()).doesNotContain("nxenc:").doesNotContain("r-42");

		Response single = this.api.get("/api/tasks/" + bad);
		assertThat(single.status()).isEqualTo(200);
		assertThat(single.json().get("unreadable").toString()).isEqualTo("[\"payload: integrity check failed\"]");
		assertThat(single.field("status")).isEqualTo("queued");

		// the dashboard lists it and shows it, with a visible note
		Response tasksPage = this.api.get("/tasks?category=" + category);
		assertThat(tasksPage.status()).isEqualTo(200);
		assertThat(tasksPage.body()).contains(bad, first, second).contains("payload unreadable");
		Response taskPage = this.api.get("/tasks/" + bad);
		assertThat(taskPage.status()).isEqualTo(200);
		assertThat(taskPage.body()).contains("id=\"payload-unreadable\"")
			.contains("Payload unreadable: integrity check failed")
			.doesNotContain("nxenc:");
		assertThat(this.api.get("/tasks/" + closed).body()).contains("Result unreadable: integrity check failed")
			.doesNotContain("r-42");
		assertThat(this.api.get("/tasks/" + first).body()).doesNotContain("id=\"payload-unreadable\"");

		// cancel works; retry has no payload to copy
		Response cancel = this.api.post("/api/tasks/" + bad + "/cancel", "{\"reason\":\"damaged\"}");
		assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
		assertThat(cancel.field("status")).isEqualTo("cancelled");
		assertThat(cancel.json().get("unreadable").toString()).isEqualTo("[\"payload: integrity check failed\"]");
		long tasksBefore = rows("tasks");
		Response retry = this.api.post("/api/tasks/" + bad + "/retry", "");
		assertThat(retry.status()).as(retry.body()).isEqualTo(409);
		assertThat(retry.problemType()).isEqualTo("urn:nexus:problem:payload_unreadable");
		assertThat(retry.field("unreadable")).isEqualTo("payload: integrity check failed");
		assertThat(rows("tasks")).as("no copy without a payload").isEqualTo(tasksBefore);
		// an unreadable result does not stop a retry: the payload is intact
		assertThat(this.api.put("/api/tasks/" + first, "{\"status\":\"cancelled\"}").status()).isEqualTo(200);
		assertThat(this.api.post("/api/tasks/" + first + "/retry", "").status()).isIn(200, 201);
	}

	@Test
	void aTaskUnderAMissingKeyIsMarkedAndDoesNotBreakTheList() {
		String category = "unreadable-key";
		String good = createTask(category, "good", "no-agent-has-this");
		String orphan = createTask(category, "orphan", "no-agent-has-this");
		this.jdbc.sql("UPDATE tasks SET payload_key_id = 'k123' WHERE id = :id").param("id", orphan).update();
		try {
			Response page = this.api.get("/api/tasks?category=" + category);
			assertThat(page.status()).as(page.body()).isEqualTo(200);
			JsonNode items = page.json().get("items");
			assertThat(items.size()).isEqualTo(2);
			assertThat(items.get(0).get("id").asString()).isEqualTo(orphan);
			assertThat(items.get(0).get("unreadable").toString()).isEqualTo("[\"payload: key k123 missing\"]");
			assertThat(items.get(0).get("payload").isNull()).isTrue();
			assertThat(items.get(1).get("id").asString()).isEqualTo(good);
			assertThat(items.get(1).get("payload").get("name").asString()).isEqualTo("good");

			Response single = this.api.get("/api/tasks/" + orphan);
			assertThat(single.status()).isEqualTo(200);
			assertThat(single.json().get("unreadable").toString()).isEqualTo("[\"payload: key k123 missing\"]");
			assertThat(this.api.get("/tasks?category=" + category).body()).contains(orphan)
				.contains("payload unreadable");
			assertThat(this.api.get("/tasks/" + orphan).body()).contains("Payload unreadable: key k123 missing");

			Response cancel = this.api.post("/api/tasks/" + orphan + "/cancel", "");
			assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
			assertThat(cancel.field("status")).isEqualTo("cancelled");
			Response retry = this.api.post("/api/tasks/" + orphan + "/retry", "");
			assertThat(retry.status()).isEqualTo(409);
			assertThat(retry.problemType()).isEqualTo("urn:nexus:problem:payload_unreadable");
			assertThat(retry.field("key_id")).isEqualTo("k123");
			assertThat(retry.body()).contains("NEXUS_ENCRYPTION_OLD_KEYS");
		}
		finally {
			this.jdbc.sql("UPDATE tasks SET payload_key_id = 'key-unread' WHERE id = :id").param("id", orphan).update();
		}
		// with the key back, the same task reads in full and can be retried
		assertThat(this.api.get("/api/tasks/" + orphan).json().get("unreadable").size()).isZero();
		assertThat(this.api.post("/api/tasks/" + orphan + "/retry", "").status()).isIn(200, 201);
	}

	@Test
	void anAgentHoldingATaskWhosePayloadWasTamperedRegistersAndTheTaskFails() {
		String capability = "unreadable-held";
		String bad = createTask("unreadable-held", "held-bad", capability);
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"held-agent\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":5}");
		String agentId = agent.field("id");
		long epoch;
		try (RawAgent socket = RawAgent.register(this.port, agentId, agent.field("token"))) {
			JsonNode assigned = socket.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(bad);
			epoch = assigned.get("lease_epoch").asLong();
		}
		assertThat(status(bad)).isEqualTo("assigned");
		tamper(bad, "payload");
		String good = createTask("unreadable-held", "held-good", capability);

		// the agent reconnects and says it still runs the damaged task
		try (RawAgent socket = RawAgent.connect(this.port)) {
			socket.send(
					"{\"type\":\"agent_register\",\"agent_id\":\"" + agentId + "\",\"token\":\"" + agent.field("token")
							+ "\",\"running_tasks\":[{\"task_id\":\"" + bad + "\",\"lease_epoch\":" + epoch + "}]}");
			JsonNode registered = socket.next("registered");
			assertThat(registered.get("resumed_tasks").size()).as("the damaged task is not resumed").isZero();
			JsonNode assigned = socket.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(good);
			assertThat(assigned.get("payload").get("name").asString()).isEqualTo("held-good");
		}
		assertThat(status(bad)).isEqualTo("failed");
		assertThat(this.api.get("/api/tasks/" + bad).field("status_reason"))
			.isEqualTo("payload_unreadable: encrypted value failed its integrity check");
		assertThat(this.api.get("/api/audit?action=task.poisoned").json().get("items").toString()).contains(bad);
	}

	@Test
	void anAgentHoldingAnUnsentTaskUnderAMissingKeyRegistersAndTheTaskWaitsForTheKey() {
		String capability = "unreadable-held-key";
		String orphan = createTask("unreadable-held", "held-orphan", capability);
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"held-key-agent\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":5}");
		String agentId = agent.field("id");
		try (RawAgent socket = RawAgent.register(this.port, agentId, agent.field("token"))) {
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(orphan);
		}
		this.jdbc.sql("UPDATE tasks SET payload_key_id = 'k-lost' WHERE id = :id").param("id", orphan).update();
		try {
			try (RawAgent socket = RawAgent.register(this.port, agentId, agent.field("token"))) {
				// it is not sent again with a missing payload: it goes back to the queue
				// and
				// waits for the key, without using up an attempt
				await().until(() -> "queued".equals(status(orphan)));
				await().during(Duration.ofSeconds(1))
					.atMost(Duration.ofSeconds(5))
					.until(() -> "queued".equals(status(orphan)));
				assertThat(this.jdbc.sql("SELECT attempts FROM tasks WHERE id = :id")
					.param("id", orphan)
					.query(Integer.class)
					.single()).isZero();
				assertThat(this.api.get("/api/tasks/" + orphan).field("status_reason")).contains("key k-lost missing");
			}
		}
		finally {
			this.jdbc.sql("UPDATE tasks SET payload_key_id = 'key-unread' WHERE id = :id").param("id", orphan).update();
		}
		// with the key back it is delivered again, with its payload
		try (RawAgent socket = RawAgent.register(this.port, agentId, agent.field("token"))) {
			JsonNode assigned = socket.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(orphan);
			assertThat(assigned.get("payload").get("name").asString()).isEqualTo("held-orphan");
		}
	}

	private String createTask(String category, String name, String capability) {
		Response response = this.api.post("/api/tasks", "{\"title\":\"" + name + "\",\"category\":\"" + category
				+ "\",\"required_capabilities\":[\"" + capability + "\"],\"payload\":{\"name\":\"" + name + "\"}}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

	private void tamper(String task, String column) {
		String stored = this.jdbc.sql("SELECT " + column + " FROM tasks WHERE id = :id")
			.param("id", task)
			.query(String.class)
			.single();
		byte[] bytes = Base64.getDecoder().decode(stored.substring("nxenc:v1:".length()));
		bytes[bytes.length - 5] ^= 4;
		this.jdbc.sql("UPDATE tasks SET " + column + " = :value WHERE id = :id")
			.param("value", "nxenc:v1:" + Base64.getEncoder().encodeToString(bytes))
			.param("id", task)
			.update();
	}

	private String status(String task) {
		return this.jdbc.sql("SELECT status FROM tasks WHERE id = :id").param("id", task).query(String.class).single();
	}

}
