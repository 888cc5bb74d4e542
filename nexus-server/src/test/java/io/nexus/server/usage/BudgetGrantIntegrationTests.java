package io.nexus.server.usage;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task whose own budget says {@code on_exceed: approval}: exceeding it stops the task
 * on its agent and holds it in {@code awaiting_approval}; a person other than its creator
 * grants it as much again and it runs on; exceeding the raised budget holds it again, and
 * a rejection cancels it.
 */
class BudgetGrantIntegrationTests extends ApiIntegrationTest {

	private static final String PASSWORD = "grant-pass-1";

	@Test
	void anExceededBudgetWaitsForAPersonWhoGrantsAsMuchAgainOrCancels() {
		this.api.post("/api/users",
				"{\"username\":\"bg-olga\",\"password\":\"" + PASSWORD + "\",\"role\":\"operator\"}");
		ApiClient olga = new ApiClient(this.port).login("bg-olga", PASSWORD);
		cancelQueuedTasks();
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"bg-agent\",\"capabilities\":[\"bg-grant\"],\"max_concurrency\":4}");
		Response created = this.api.post("/api/tasks", "{\"title\":\"grant me\",\"category\":\"bg-grant\","
				+ "\"budget\":{\"max_tokens\":100,\"on_exceed\":\"approval\"}}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String task = created.field("id");
		try (RawAgent socket = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
			long epoch = run(socket, task);
			socket.send(progress(task, epoch, "p1", 60));
			socket.next("ack");
			socket.send(progress(task, epoch, "p2", 60));
			JsonNode cancel = cancelOf(socket, task);
			assertThat(cancel.get("reason").asString())
				.startsWith("budget_exceeded: the task's own budget (100 tokens)")
				.endsWith("; approval_requested");
			Response held = this.api.get("/api/tasks/" + task);
			assertThat(held.field("status")).isEqualTo("awaiting_approval");
			assertThat(held.json().path("assigned_agent_id").asString(null)).as("the lease is released").isNull();
			Response approval = this.api.get("/api/tasks/" + task + "/approval");
			assertThat(approval.field("state")).isEqualTo("open");
			assertThat(approval.json().get("approvers").get("roles").toString()).isEqualTo("[\"operator\",\"admin\"]");
			assertThat(olga.get("/api/notifications").body()).contains(task).contains("approval_requested");
			assertThat(this.api.post("/api/tasks/" + task + "/approve", "{}").problemType())
				.as("the creator may not grant")
				.isEqualTo("urn:nexus:problem:four_eyes");

			Response granted = olga.post("/api/tasks/" + task + "/approve", "{\"comment\":\"go on\"}");
			assertThat(granted.status()).as(granted.body()).isEqualTo(200);
			long second = run(socket, task);
			assertThat(second).isGreaterThan(epoch);
			Response running = this.api.get("/api/tasks/" + task);
			assertThat(running.json().get("budget").get("max_tokens").asLong()).as("as much again").isEqualTo(200);
			socket.send(progress(task, second, "p3", 50));
			assertThat(socket.next("ack").get("id").asString()).isEqualTo("p3");
			assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("in_progress");

			socket.send(progress(task, second, "p4", 40));
			cancelOf(socket, task);
			assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("awaiting_approval");
			Response again = this.api.get("/api/tasks/" + task + "/approval");
			assertThat(again.field("state")).isEqualTo("open");
			assertThat(again.json().get("decisions")).as("the earlier grant does not count").isEmpty();
			assertThat(olga.post("/api/tasks/" + task + "/reject", "{\"comment\":\"enough\"}").status()).isEqualTo(200);
			Response ended = this.api.get("/api/tasks/" + task);
			assertThat(ended.field("status")).isEqualTo("cancelled");
			assertThat(ended.field("status_reason")).isEqualTo("approval_rejected");
			assertThat(ended.json().get("usage").get("input_tokens").asLong()).isEqualTo(210);
		}
		assertThat(this.api.get("/api/tasks/" + task + "/events").body()).contains("awaiting_approval")
			.contains("approved by bg-olga");
		Response bad = this.api.post("/api/tasks",
				"{\"title\":\"x\",\"budget\":{\"max_tokens\":5,\"on_exceed\":\"pause\"}}");
		assertThat(bad.status()).as(bad.body()).isEqualTo(400);
		assertThat(bad.body()).contains("on_exceed");
	}

	/**
	 * Cancels what earlier tests of the shared server left queued: a task without
	 * requirements would go to this test's agent, which does not accept it.
	 */
	private void cancelQueuedTasks() {
		for (JsonNode task : this.api.get("/api/tasks?status=queued&limit=500").json().get("items")) {
			this.api.post("/api/tasks/" + task.get("id").asString() + "/cancel", "{}");
		}
	}

	private static long run(RawAgent socket, String task) {
		// other tests' tasks without requirements may go to this agent too: it has room
		JsonNode assigned = socket.next((frame) -> frame.path("type").asString().equals("task_assigned")
				&& frame.path("task_id").asString().equals(task), "the assignment of " + task);
		long epoch = assigned.get("lease_epoch").asLong();
		socket.send("{\"type\":\"task_accept\",\"id\":\"a" + epoch + "\",\"task_id\":\"" + task + "\",\"lease_epoch\":"
				+ epoch + "}");
		socket.next("ack");
		return epoch;
	}

	private static JsonNode cancelOf(RawAgent socket, String task) {
		return socket.next((frame) -> frame.path("type").asString().equals("task_cancel")
				&& frame.path("task_id").asString().equals(task), "the task_cancel of " + task);
	}

	private static String progress(String task, long epoch, String id, int tokens) {
		return "{\"type\":\"task_progress\",\"id\":\"" + id + "\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch
				+ ",\"usage\":{\"input_tokens\":" + tokens + "}}";
	}

}
