package io.nexus.server.dispatch;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent protocol frame by frame, with a bare WebSocket client: registration as in the
 * seed, assignment, fencing, and what happens to bad frames.
 */
@TestPropertySource(properties = { "nexus.dispatch.ack-timeout=2s", "nexus.dispatch.reconnect-grace=2s",
		"nexus.dispatch.reaper-interval=200ms", "nexus.tasks.retry-backoff=100ms" })
class AgentProtocolIntegrationTests extends ApiIntegrationTest {

	@Test
	void seedRegistrationWithATokenGetsWorkAndCompletesIt() {
		String[] agent = registerAgent("seed-agent", "automation");
		try (RawAgent socket = RawAgent.connect(this.port)) {
			socket.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agent[0]
					+ "\",\"agent_name\":\"My Agent\",\"token\":\"" + agent[1] + "\"}");
			JsonNode registered = socket.next("registered");
			assertThat(registered.get("agent_id").asString()).isEqualTo(agent[0]);
			assertThat(registered.get("protocol_version").asInt()).isEqualTo(1);
			await().until(() -> this.api.get("/api/agents/" + agent[0]).json().get("online").asBoolean());

			String task = createTask("{\"title\":\"auto\",\"category\":\"automation\",\"payload\":{\"x\":1}}");
			JsonNode assigned = socket.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(task);
			assertThat(assigned.get("payload").get("x").asInt()).isEqualTo(1);
			long epoch = assigned.get("lease_epoch").asLong();
			Response read = this.api.get("/api/tasks/" + task);
			assertThat(read.field("status")).isEqualTo("assigned");
			assertThat(read.field("status_reason")).contains("auto: agent " + agent[0]);

			socket.send(frame("task_accept", "a1", task, epoch, ""));
			assertThat(socket.next("ack").get("id").asString()).isEqualTo("a1");
			socket.send(frame("task_progress", null, task, epoch, ",\"progress\":50,\"message\":\"half\""));
			socket.send(frame("task_complete", "c1", task, epoch, ",\"result\":{\"ok\":true}"));
			assertThat(socket.next("ack").get("id").asString()).isEqualTo("c1");
			Response done = this.api.get("/api/tasks/" + task);
			assertThat(done.field("status")).isEqualTo("completed");
			assertThat(done.json().get("result").get("ok").asBoolean()).isTrue();
			assertThat(done.json().get("progress").asDouble()).isEqualTo(50.0);

			socket.send(frame("task_complete", "c2", task, epoch, ""));
			assertThat(socket.next("ack").get("id").asString()).isEqualTo("c2");
			assertThat(this.api.get("/api/tasks/" + task + "/events").json().findValuesAsString("to"))
				.containsOnlyOnce("completed");
		}
	}

	@Test
	void framesLargerThanTheSocketBufferAreAssembled() {
		String[] agent = registerAgent("bulky", "bulk");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"big result\",\"category\":\"bulk\"}");
			JsonNode assigned = socket.next("task_assigned");
			String big = "x".repeat(200 * 1024);
			socket.send(frame("task_complete", "big", task, assigned.get("lease_epoch").asLong(),
					",\"result\":\"" + big + "\""));
			assertThat(socket.next("ack").get("id").asString()).isEqualTo("big");
			assertThat(this.api.get("/api/tasks/" + task).field("result")).hasSize(big.length());
		}
	}

	@Test
	void handshakeBearerTokenAuthenticatesToo() {
		String[] agent = registerAgent("bearer-agent", "ops");
		try (RawAgent socket = RawAgent.connectWithBearer(this.port, agent[1])) {
			socket.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agent[0] + "\"}");
			assertThat(socket.next("registered").get("agent_id").asString()).isEqualTo(agent[0]);
		}
	}

	@Test
	void wrongTokenIsRefusedAndTheConnectionClosed() {
		String[] agent = registerAgent("victim", "ops");
		try (RawAgent socket = RawAgent.connect(this.port)) {
			socket.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agent[0] + "\",\"token\":\"nxa_wrong\"}");
			assertThat(socket.next("error").get("code").asString()).isEqualTo("unauthorized");
			assertThat(socket.awaitClose()).isEqualTo(4401);
		}
		assertThat(this.api.get("/api/agents/" + agent[0]).json().get("online").asBoolean()).isFalse();
	}

	@Test
	void badFramesGetErrorsAndOtherAgentsAreUnaffected() {
		String[] good = registerAgent("steady", "ops");
		try (RawAgent steady = RawAgent.register(this.port, good[0], good[1]);
				RawAgent hostile = RawAgent.connect(this.port)) {
			hostile.send("this is not json");
			assertThat(hostile.next("error").get("code").asString()).isEqualTo("invalid_json");
			hostile.send("{\"type\":\"launch_missiles\"}");
			assertThat(hostile.next("error").get("code").asString()).isEqualTo("unknown_type");
			hostile.send("{\"no_type\":true}");
			assertThat(hostile.next("error").get("code").asString()).isEqualTo("unknown_type");
			hostile.send("{\"type\":\"task_complete\",\"task_id\":\"t\",\"lease_epoch\":1}");
			assertThat(hostile.next("error").get("code").asString()).isEqualTo("not_registered");
			assertThat(hostile.awaitClose()).isEqualTo(4401);

			steady.send("{\"type\":\"task_accept\",\"task_id\":\"task_missing\",\"lease_epoch\":1}");
			assertThat(steady.next("error").get("code").asString()).isEqualTo("unknown_task");
			steady.send("{\"type\":\"heartbeat\",\"cpu_usage\":\"lots\"}");
			assertThat(steady.next("error").get("code").asString()).isEqualTo("invalid_frame");
			steady.send("{\"type\":\"task_complete\",\"task_id\":\"task_missing\",\"lease_epoch\":-5}");
			assertThat(steady.next("error").get("code").asString()).isEqualTo("invalid_frame");
			steady.send("{\"type\":\"task_accept\",\"task_id\":\"task_missing\",\"lease_epoch\":0}");
			assertThat(steady.next("error").get("code").asString()).isEqualTo("invalid_frame");
			steady.send("{\"type\":\"task_progress\",\"task_id\":\"x\",\"lease_epoch\":1,\"message\":\""
					+ "a".repeat(600 * 1024) + "\"}");
			assertThat(steady.next("error").get("code").asString()).isEqualTo("frame_too_large");
			String task = createTask("{\"title\":\"still works\",\"category\":\"ops\"}");
			assertThat(steady.next("task_assigned").get("task_id").asString()).isEqualTo(task);
		}
	}

	@Test
	void staleLeaseIsRefusedAfterTheTaskMovedOn() {
		String[] first = registerAgent("slowpoke", "stale");
		String[] second = registerAgent("successor", "stale");
		try (RawAgent slow = RawAgent.register(this.port, first[0], first[1])) {
			String task = createTask("{\"title\":\"contested\",\"category\":\"stale\"}");
			JsonNode assigned = slow.next("task_assigned");
			long oldEpoch = assigned.get("lease_epoch").asLong();
			// never accepted: the ack timeout takes it back and cancels it on the slow
			// agent
			JsonNode cancel = slow.next("task_cancel");
			assertThat(cancel.get("task_id").asString()).isEqualTo(task);
			this.api.post("/api/agents/" + first[0] + "/pause", "");
			try (RawAgent next = RawAgent.register(this.port, second[0], second[1])) {
				JsonNode reassigned = next.next("task_assigned");
				assertThat(reassigned.get("lease_epoch").asLong()).isGreaterThan(oldEpoch);
				slow.send(frame("task_complete", "late", task, oldEpoch, ",\"result\":\"late\""));
				JsonNode refused = slow.next("error");
				assertThat(refused.get("code").asString()).isEqualTo("stale_lease");
				assertThat(refused.get("id").asString()).isEqualTo("late");
				long epoch = reassigned.get("lease_epoch").asLong();
				next.send(frame("task_complete", "ok", task, epoch, ",\"result\":\"fresh\""));
				next.next("ack");
			}
			Response done = this.api.get("/api/tasks/" + task);
			assertThat(done.field("status")).isEqualTo("completed");
			assertThat(done.field("result")).isEqualTo("fresh");
			assertThat(done.field("assigned_agent_id")).isEqualTo(second[0]);
		}
	}

	@Test
	void killedAgentsTaskGoesToAnotherAgentAfterTheGracePeriod() {
		String[] doomed = registerAgent("doomed", "crash");
		String[] survivor = registerAgent("survivor", "crash");
		RawAgent dying = RawAgent.register(this.port, doomed[0], doomed[1]);
		String task = createTask("{\"title\":\"survives a crash\",\"category\":\"crash\"}");
		JsonNode assigned = dying.next("task_assigned");
		dying.send(frame("task_accept", null, task, assigned.get("lease_epoch").asLong(), ""));
		await().until(() -> "in_progress".equals(this.api.get("/api/tasks/" + task).field("status")));
		dying.kill();
		try (RawAgent other = RawAgent.register(this.port, survivor[0], survivor[1])) {
			JsonNode again = other.next("task_assigned");
			assertThat(again.get("task_id").asString()).isEqualTo(task);
			assertThat(again.get("attempt").asInt()).isEqualTo(2);
			other.send(frame("task_complete", "done", task, again.get("lease_epoch").asLong(), ""));
			other.next("ack");
		}
		assertThat(this.api.get("/api/tasks/" + task + "/events").json().findValuesAsString("to"))
			.containsOnlyOnce("completed")
			.contains("queued", "assigned", "in_progress");
	}

	@Test
	void reconnectingWithinTheGracePeriodKeepsTheTask() {
		String[] agent = registerAgent("flappy", "flap");
		RawAgent first = RawAgent.register(this.port, agent[0], agent[1]);
		String task = createTask("{\"title\":\"keep me\",\"category\":\"flap\"}");
		JsonNode assigned = first.next("task_assigned");
		long epoch = assigned.get("lease_epoch").asLong();
		first.send(frame("task_accept", null, task, epoch, ""));
		await().until(() -> "in_progress".equals(this.api.get("/api/tasks/" + task).field("status")));
		first.kill();
		try (RawAgent second = RawAgent.connect(this.port)) {
			second.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agent[0] + "\",\"token\":\"" + agent[1]
					+ "\",\"running_tasks\":[{\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch + "}]}");
			JsonNode registered = second.next("registered");
			assertThat(registered.get("resumed_tasks").get(0).get("task_id").asString()).isEqualTo(task);
			second.send(frame("task_complete", "kept", task, epoch, ""));
			assertThat(second.next("ack").get("id").asString()).isEqualTo("kept");
		}
		assertThat(this.api.get("/api/tasks/" + task + "/events").json().findValuesAsString("to"))
			.containsExactly("queued", "assigned", "in_progress", "completed");
	}

	@Test
	void assignmentToADisconnectedAgentWaitsForItAndIsDeliveredOnConnect() {
		String[] agent = registerAgent("latecomer", "late");
		String task = createTask("{\"title\":\"for the latecomer\",\"category\":\"late\"}");
		Response assigned = this.api.post("/api/tasks/" + task + "/assign", "{\"agent_id\":\"" + agent[0] + "\"}");
		assertThat(assigned.field("status")).isEqualTo("assigned");
		assertThat(assigned.field("reserved_for")).isEqualTo(agent[0]);
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			JsonNode frame = socket.next("task_assigned");
			assertThat(frame.get("task_id").asString()).isEqualTo(task);
			socket.send(frame("task_complete", "c", task, frame.get("lease_epoch").asLong(), ""));
			socket.next("ack");
		}
		assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("completed");
	}

	@Test
	void failureIsRetriedWithBackoffUntilAttemptsRunOut() {
		String[] agent = registerAgent("flaky", "retry");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"doomed\",\"category\":\"retry\",\"max_attempts\":2}");
			for (int attempt = 1; attempt <= 2; attempt++) {
				JsonNode assigned = socket.next("task_assigned");
				assertThat(assigned.get("attempt").asInt()).isEqualTo(attempt);
				socket.send(frame("task_fail", "f" + attempt, task, assigned.get("lease_epoch").asLong(),
						",\"error\":\"boom\""));
				socket.next("ack");
			}
			Response failed = this.api.get("/api/tasks/" + task);
			assertThat(failed.field("status")).isEqualTo("failed");
			assertThat(failed.field("status_reason")).contains("gave up after 2 attempt(s)").contains("boom");
		}
	}

	@Test
	void operatorCancelReachesTheAgentAtOnce() {
		String[] agent = registerAgent("obedient", "cancel");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"stop me\",\"category\":\"cancel\"}");
			JsonNode assigned = socket.next("task_assigned");
			socket.send(frame("task_accept", null, task, assigned.get("lease_epoch").asLong(), ""));
			this.api.post("/api/tasks/" + task + "/cancel", "{\"reason\":\"no longer needed\"}");
			JsonNode cancel = socket.next("task_cancel");
			assertThat(cancel.get("task_id").asString()).isEqualTo(task);
			assertThat(cancel.get("reason").asString()).isEqualTo("no longer needed");
		}
	}

	@Test
	void queuedTaskExplainsWhyItWaits() {
		String task = createTask("{\"title\":\"needs a gpu\",\"required_capabilities\":[\"gpu-h100\"]}");
		String reason = this.api.get("/api/tasks/" + task).field("waiting_reason");
		assertThat(reason).satisfiesAnyOf((text) -> assertThat(text).isEqualTo("no agent is connected"),
				(text) -> assertThat(text).contains("no connected agent has capability gpu-h100"));
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

	private static String frame(String type, String id, String task, long epoch, String extra) {
		return "{\"type\":\"" + type + "\"" + ((id != null) ? ",\"id\":\"" + id + "\"" : "") + ",\"task_id\":\"" + task
				+ "\",\"lease_epoch\":" + epoch + extra + "}";
	}

}
