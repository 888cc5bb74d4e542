package io.nexus.server.governance;

import java.time.Duration;
import java.time.Instant;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The breaker: an agent that keeps failing, or that beats but never accepts, is
 * quarantined with its reason and evidence, gets no new work, and comes back through one
 * probe task after its cool-down; an operator can quarantine and release by hand.
 */
@TestPropertySource(properties = { "nexus.dispatch.ack-timeout=2s", "nexus.governance.quarantine.cooldown=2s",
		"nexus.governance.quarantine.consecutive-failures=3", "nexus.governance.quarantine.overrides[0].label=pool=lax",
		"nexus.governance.quarantine.overrides[0].consecutive-failures=0" })
class QuarantineIntegrationTests extends ApiIntegrationTest {

	private static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);

	@Test
	void anAgentThatKeepsFailingIsQuarantinedAndComesBackThroughAProbe() {
		String[] agent = registerAgent("q-failing", "q-fail", "{}");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			for (int i = 0; i < 3; i++) {
				String task = createTask("q-fail", "failing " + i);
				fail(socket, task, accept(socket, task));
			}
			JsonNode quarantine = awaitQuarantine(agent[0]);
			assertThat(quarantine.get("reason").asString()).isEqualTo("consecutive_failures");
			assertThat(quarantine.get("detail").asString()).isEqualTo("3 failed task(s) in a row");
			assertThat(quarantine.get("by").asString()).isEqualTo("system");
			assertThat(quarantine.get("evidence")).hasSize(3)
				.allSatisfy((seen) -> assertThat(seen.get("signal").asString()).isEqualTo("failed"));
			assertThat(this.api.get("/api/quarantines").json().get("items").toString()).contains(agent[0]);
			assertThat(this.api.get("/api/audit?action=agent.quarantined").json().get("items").toString())
				.contains(agent[0])
				.contains("3 failed task(s) in a row");

			// held back while cooling down, then sent as the one probe; success closes it
			String probe = createTask("q-fail", "probe");
			String waiting = this.api.get("/api/tasks/" + probe).field("waiting_reason");
			if (waiting != null) {
				assertThat(waiting).contains("in quarantine").contains("3 failed task(s) in a row");
			}
			long epoch = accept(socket, probe);
			assertThat(Instant.now()).isAfterOrEqualTo(Instant.parse(quarantine.get("cooldown_until").asString()));
			complete(socket, probe, epoch);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.api.get("/api/agents/" + agent[0]).json().get("quarantine").isNull());
			assertThat(this.api.get("/api/audit?action=agent.released").json().get("items").toString())
				.contains(agent[0])
				.contains("probe task " + probe + " succeeded");

			String after = createTask("q-fail", "after");
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(after);
		}
	}

	@Test
	void aFailedProbeOpensTheBreakerAgainForLonger() {
		String[] agent = registerAgent("q-relapse", "q-relapse", "{}");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			for (int i = 0; i < 3; i++) {
				String task = createTask("q-relapse", "failing " + i);
				fail(socket, task, accept(socket, task));
			}
			JsonNode first = awaitQuarantine(agent[0]);
			assertThat(first.get("trips").asInt()).isEqualTo(1);
			String probe = createTask("q-relapse", "probe");
			fail(socket, probe, accept(socket, probe));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "probe_failed".equals(
						this.api.get("/api/agents/" + agent[0]).json().path("quarantine").path("reason").asString()));
			JsonNode again = this.api.get("/api/agents/" + agent[0]).json().get("quarantine");
			assertThat(again.get("trips").asInt()).isEqualTo(2);
			assertThat(again.get("detail").asString()).startsWith("probe task " + probe + " failed; cool-down 4s");
			Duration cooldown = Duration.between(Instant.parse(again.get("since").asString()),
					Instant.parse(again.get("cooldown_until").asString()));
			assertThat(cooldown).isEqualTo(Duration.ofSeconds(4));
		}
	}

	@Test
	void aZombieThatBeatsButNeverAcceptsIsQuarantinedAndItsAssignmentsGoBack() {
		String[] zombie = registerAgent("q-zombie", "q-undead", "{}");
		try (RawAgent socket = RawAgent.register(this.port, zombie[0], zombie[1])) {
			String first = createTask("q-undead", "first");
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(first);
			Instant sent = Instant.now();
			// it never accepts, though it stays connected: at the end of the ack timeout
			// the
			// assignment comes back and the agent is quarantined (the bound is in
			// docs/governance.md; timing belongs to benchmarks: here it is printed)
			await().atMost(Duration.ofSeconds(30))
				.until(() -> !this.api.get("/api/agents/" + zombie[0]).json().path("quarantine").isNull());
			System.out.printf("zombie quarantined %d ms after its first assignment (ack timeout %d ms)%n",
					Duration.between(sent, Instant.now()).toMillis(), ACK_TIMEOUT.toMillis());
			JsonNode quarantine = this.api.get("/api/agents/" + zombie[0]).json().get("quarantine");
			assertThat(quarantine.get("reason").asString()).isEqualTo("zombie");
			assertThat(quarantine.get("evidence").toString()).contains("not_accepted").contains(first);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "queued".equals(this.api.get("/api/tasks/" + first).field("status")));
			// gone before its cool-down ends, so that the task is not its probe
			socket.kill();

			String[] healthy = registerAgent("q-alive", "q-undead", "{}");
			try (RawAgent other = RawAgent.register(this.port, healthy[0], healthy[1])) {
				assertThat(other.next("task_assigned").get("task_id").asString()).isEqualTo(first);
			}
		}
	}

	@Test
	void overridesByLabelChangeTheThresholds() {
		String[] agent = registerAgent("q-lax", "q-lax", "{\"pool\":\"lax\"}");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			for (int i = 0; i < 4; i++) {
				String task = createTask("q-lax", "failing " + i);
				fail(socket, task, accept(socket, task));
			}
			String next = createTask("q-lax", "still trusted");
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(next);
			assertThat(this.api.get("/api/agents/" + agent[0]).json().get("quarantine").isNull()).isTrue();
		}
	}

	@Test
	void anOperatorQuarantinesAndReleasesByHand() {
		String[] agent = registerAgent("q-manual", "q-manual", "{}");
		this.api.put("/api/agents/" + agent[0], "{\"max_concurrency\":2}");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String running = createTask("q-manual", "running");
			accept(socket, running);

			Response quarantined = this.api.post("/api/agents/" + agent[0] + "/quarantine",
					"{\"reason\":\"suspected key leak\"}");
			assertThat(quarantined.status()).as(quarantined.body()).isEqualTo(200);
			JsonNode quarantine = quarantined.json().get("quarantine");
			assertThat(quarantine.get("state").asString()).isEqualTo("held");
			assertThat(quarantine.get("reason").asString()).isEqualTo("manual");
			assertThat(quarantine.get("by").asString()).isEqualTo("admin");
			assertThat(quarantine.get("cooldown_until").isNull()).isTrue();
			assertThat(this.api.get("/api/tasks/" + running).field("status")).as("running tasks finish")
				.isEqualTo("in_progress");

			String held = createTask("q-manual", "held");
			assertThat(this.api.get("/api/tasks/" + held).field("waiting_reason")).contains("in quarantine")
				.contains("suspected key leak");
			Response assign = this.api.post("/api/tasks/" + held + "/assign", "{\"agent_id\":\"" + agent[0] + "\"}");
			assertThat(assign.status()).isEqualTo(409);
			assertThat(assign.problemType()).isEqualTo("urn:nexus:problem:agent_quarantined");

			Response released = this.api.post("/api/agents/" + agent[0] + "/release", "{}");
			assertThat(released.status()).as(released.body()).isEqualTo(200);
			assertThat(released.json().get("quarantine").isNull()).isTrue();
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(held);
			Response again = this.api.post("/api/agents/" + agent[0] + "/release", "{}");
			assertThat(again.status()).isEqualTo(409);
			assertThat(again.problemType()).isEqualTo("urn:nexus:problem:not_quarantined");
			String audit = this.api.get("/api/audit?action=agent.quarantined").json().get("items").toString();
			assertThat(audit).contains(agent[0]).contains("suspected key leak");
		}
	}

	@Test
	void badQuarantineRequestsAreRefused() {
		String[] agent = registerAgent("q-hostile", "q-hostile", "{}");
		assertThat(this.api.post("/api/agents/" + agent[0] + "/quarantine", "{\"reason\":\"  \"}").status())
			.isEqualTo(400);
		assertThat(this.api.post("/api/agents/" + agent[0] + "/quarantine", "{}").status()).isEqualTo(400);
		assertThat(this.api.post("/api/agents/" + agent[0] + "/quarantine", "{\"reason\":\"" + "x".repeat(501) + "\"}")
			.status()).isEqualTo(400);
		Response unknown = this.api.post("/api/agents/agent_nobody/quarantine", "{\"reason\":\"gone\"}");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(this.api.get("/api/agents/" + agent[0]).json().get("quarantine").isNull()).isTrue();
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM agent_quarantines WHERE agent_id = ?")
			.param(agent[0])
			.query(Long.class)
			.single()).isZero();
	}

	private JsonNode awaitQuarantine(String agentId) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !this.api.get("/api/agents/" + agentId).json().path("quarantine").isNull());
		JsonNode quarantine = this.api.get("/api/agents/" + agentId).json().get("quarantine");
		assertThat(quarantine.get("state").asString()).isIn("open", "half_open");
		return quarantine;
	}

	private static long accept(RawAgent socket, String task) {
		JsonNode assigned = socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
				&& task.equals(frame.path("task_id").asString()), "task_assigned for " + task);
		long epoch = assigned.get("lease_epoch").asLong();
		socket.send("{\"type\":\"task_accept\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch + "}");
		return epoch;
	}

	private void fail(RawAgent socket, String task, long epoch) {
		socket.send("{\"type\":\"task_fail\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch
				+ ",\"error\":\"boom\",\"retryable\":false}");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "failed".equals(this.api.get("/api/tasks/" + task).field("status")));
	}

	private void complete(RawAgent socket, String task, long epoch) {
		socket.send("{\"type\":\"task_complete\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch
				+ ",\"result\":{\"ok\":true}}");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "completed".equals(this.api.get("/api/tasks/" + task).field("status")));
	}

	private String[] registerAgent(String name, String capability, String labels) {
		Response response = this.api.post("/api/agents", "{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability
				+ "\"],\"max_concurrency\":1,\"labels\":" + labels + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String category, String title) {
		Response response = this.api.post("/api/tasks",
				"{\"title\":\"" + title + "\",\"category\":\"" + category + "\",\"max_attempts\":5}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
