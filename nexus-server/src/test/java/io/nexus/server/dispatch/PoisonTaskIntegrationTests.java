package io.nexus.server.dispatch;

import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Poison-message handling: a queued task that can never be delivered (its payload failed
 * its integrity check, or is not JSON) fails on its own, with a reason, while the other
 * tasks flow; a task under a key the server lacks waits without blocking the others.
 */
@TestPropertySource(properties = "nexus.encryption.key=key-poison:" + PoisonTaskIntegrationTests.KEY)
class PoisonTaskIntegrationTests extends ApiIntegrationTest {

	static final String KEY = "nrZ+l7KraNp5CFFCXNX7fTykQIkF20c3NVaXRWLzbIc=";

	@Test
	void aTamperedTaskFailsOnItsOwnWhileTheOthersAreDelivered() {
		String capability = "poison-tampered";
		String first = createTask(capability, "good-1");
		String bad = createTask(capability, "tampered");
		String second = createTask(capability, "good-2");
		String dependant = createTask("{\"title\":\"after tampered\",\"dependencies\":[\"" + bad + "\"]}");
		tamper(bad);
		double poisonedBefore = poisonedTotal();

		Response agent = this.api.post("/api/agents",
				"{\"name\":\"poison-agent\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":5}");
		try (RawAgent socket = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
			// both arrive before anything is answered (frames skipped while waiting are
			// gone)
			List<JsonNode> assignments = List.of(socket.next("task_assigned"), socket.next("task_assigned"));
			Set<String> delivered = new HashSet<>();
			for (JsonNode assigned : assignments) {
				String task = assigned.get("task_id").asString();
				delivered.add(task);
				assertThat(assigned.get("payload").get("name").asString()).startsWith("good-");
				socket.send("{\"type\":\"task_complete\",\"id\":\"c-" + task + "\",\"task_id\":\"" + task
						+ "\",\"lease_epoch\":" + assigned.get("lease_epoch").asLong() + ",\"result\":{\"ok\":true}}");
			}
			assertThat(delivered).containsExactlyInAnyOrder(first, second);
			await().until(() -> "completed".equals(this.api.get("/api/tasks/" + first).field("status"))
					&& "completed".equals(this.api.get("/api/tasks/" + second).field("status")));
		}

		await().until(() -> "failed".equals(status(bad)));
		assertThat(statusReason(bad)).isEqualTo("payload_unreadable: encrypted value failed its integrity check");
		assertThat(this.jdbc.sql("SELECT attempts FROM tasks WHERE id = :id")
			.param("id", bad)
			.query(Integer.class)
			.single()).as("never claimed").isZero();
		JsonNode history = this.api.get("/api/tasks/" + bad + "/events").json();
		JsonNode last = history.get(history.size() - 1);
		assertThat(last.get("from").asString()).isEqualTo("queued");
		assertThat(last.get("to").asString()).isEqualTo("failed");
		assertThat(last.get("actor").asString()).isEqualTo("dispatcher");
		assertThat(last.get("reason").asString()).startsWith("payload_unreadable");

		Response dependent = this.api.get("/api/tasks/" + dependant);
		assertThat(dependent.field("status")).isEqualTo("cancelled");
		assertThat(dependent.field("status_reason")).isEqualTo("dependency_failed");

		JsonNode audit = this.api.get("/api/audit?action=task.poisoned").json().get("items");
		assertThat(audit.toString()).contains(bad).contains("payload_unreadable");
		assertThat(poisonedTotal()).isEqualTo(poisonedBefore + 1);

		// the task is failed for good: a manual assignment changes nothing
		Response assign = this.api.post("/api/tasks/" + bad + "/assign",
				"{\"agent_id\":\"" + agent.field("id") + "\",\"force\":true}");
		assertThat(assign.status()).isEqualTo(409);
		assertThat(assign.problemType()).isEqualTo("urn:nexus:problem:illegal_transition");
		assertThat(status(bad)).isEqualTo("failed");
		Response read = this.api.get("/api/tasks/" + bad);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.json().get("unreadable").toString()).isEqualTo("[\"payload: integrity check failed\"]");
	}

	@Test
	void aTaskWhosePayloadIsNotJsonFailsOnItsOwn() {
		String capability = "poison-json";
		String bad = createTask(capability, "broken");
		String good = createTask(capability, "good");
		// a plaintext value (no key id), as from before encryption, that is not JSON
		this.jdbc.sql("UPDATE tasks SET payload = '{\"name\": \"secret-fragment', payload_key_id = NULL WHERE id = :id")
			.param("id", bad)
			.update();

		Response agent = this.api.post("/api/agents",
				"{\"name\":\"json-agent\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":5}");
		try (RawAgent socket = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
			JsonNode assigned = socket.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(good);
			await().until(() -> "failed".equals(status(bad)));
		}
		assertThat(statusReason(bad)).startsWith("payload_unreadable: could not be turned into a task_assigned frame")
			.doesNotContain("secret-fragment");
		assertThat(status(good)).isEqualTo("assigned");
	}

	@Test
	void aTaskUnderAMissingKeyWaitsWithoutBlockingTheOthers() {
		String capability = "poison-missing-key";
		String orphan = createTask(capability, "orphan");
		String good = createTask(capability, "good");
		this.jdbc.sql("UPDATE tasks SET payload_key_id = 'gone' WHERE id = :id").param("id", orphan).update();
		try {
			Response read = this.api.get("/api/tasks/" + orphan);
			assertThat(read.status()).isEqualTo(200);
			assertThat(read.json().get("unreadable").toString()).isEqualTo("[\"payload: key gone missing\"]");

			Response agent = this.api.post("/api/agents",
					"{\"name\":\"key-agent\",\"capabilities\":[\"" + capability + "\"],\"max_concurrency\":5}");
			Response assign = this.api.post("/api/tasks/" + orphan + "/assign",
					"{\"agent_id\":\"" + agent.field("id") + "\",\"force\":true}");
			assertThat(assign.status()).isEqualTo(409);
			assertThat(assign.problemType()).isEqualTo("urn:nexus:problem:payload_unreadable");
			assertThat(assign.field("key_id")).isEqualTo("gone");
			assertThat(status(orphan)).isEqualTo("queued");
			try (RawAgent socket = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
				JsonNode assigned = socket.next("task_assigned");
				assertThat(assigned.get("task_id").asString()).isEqualTo(good);
				socket.send("{\"type\":\"task_complete\",\"id\":\"k1\",\"task_id\":\"" + good + "\",\"lease_epoch\":"
						+ assigned.get("lease_epoch").asLong() + "}");
				socket.next("ack");
				// the agent has room, and rounds run at least every reaper interval: the
				// orphan is still not dispatched
				await().during(Duration.ofSeconds(2))
					.atMost(Duration.ofSeconds(10))
					.until(() -> "queued".equals(status(orphan)));
			}
			assertThat(status(good)).isEqualTo("completed");
			assertThat(statusReason(orphan)).doesNotContain("unreadable");
			assertThat(this.api.get("/api/tasks/" + orphan + "/events").json().size()).isEqualTo(1);
			assertThat(this.api.get("/api/audit?action=task.poisoned").json().get("items").toString())
				.doesNotContain(orphan);
		}
		finally {
			this.jdbc.sql("UPDATE tasks SET payload_key_id = 'key-poison' WHERE id = :id").param("id", orphan).update();
		}
		// with the key back, the task is readable again and was never changed
		assertThat(this.api.get("/api/tasks/" + orphan).field("status")).isEqualTo("queued");
	}

	private String createTask(String capability, String name) {
		return createTask("{\"title\":\"" + name + "\",\"required_capabilities\":[\"" + capability
				+ "\"],\"payload\":{\"name\":\"" + name + "\"}}");
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
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

	private String status(String task) {
		return this.jdbc.sql("SELECT status FROM tasks WHERE id = :id").param("id", task).query(String.class).single();
	}

	private String statusReason(String task) {
		String reason = this.jdbc.sql("SELECT status_reason FROM tasks WHERE id = :id")
			.param("id", task)
			.query((rs, rowNum) -> String.valueOf(rs.getString(1)))
			.single();
		return reason;
	}

	private double poisonedTotal() {
		String scrape = this.api.get("/metrics").body();
		return List.of(scrape.split("\n"))
			.stream()
			.filter((line) -> line.startsWith("nexus_dispatch_poison_tasks_total"))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("nexus_dispatch_poison_tasks_total is not exported"));
	}

}
