package io.nexus.server.governance;

import java.time.Duration;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The emergency stop on one node: a hold keeps everything in scope from being dispatched
 * or assigned, a halt also cancels what runs in scope, a resume lets dispatch go on, and
 * every dashboard page says so while it lasts.
 */
// a context of its own: a stop holds every agent of the context while it lasts
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class FleetStopIntegrationTests extends ApiIntegrationTest {

	@AfterEach
	void resumeEverything() {
		this.api.post("/api/fleet/resume", "{}");
	}

	@Test
	void aHoldOfTheWholeFleetStopsDispatchUntilResumed() {
		String[] agent = registerAgent("stop-holder", "stop-work", 2);
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			Response stopped = this.api.post("/api/fleet/stop", "{\"reason\":\"bad deploy, checking\"}");
			assertThat(stopped.status()).as(stopped.body()).isEqualTo(201);
			assertThat(stopped.field("mode")).isEqualTo("hold");
			assertThat(stopped.json().get("description").asString()).isEqualTo("the whole fleet");
			String stopId = stopped.field("id");
			assertThat(this.api.get("/api/fleet/stop").json().get("items").get(0).get("id").asString())
				.isEqualTo(stopId);

			String task = createTask("{\"title\":\"held\",\"category\":\"stop-work\",\"priority\":\"critical\"}");
			assertThat(this.api.get("/api/tasks/" + task).field("waiting_reason"))
				.isEqualTo("held by emergency stop " + stopId + " (the whole fleet): bad deploy, checking");
			Response forced = this.api.post("/api/tasks/" + task + "/assign",
					"{\"agent_id\":\"" + agent[0] + "\",\"force\":true}");
			assertThat(forced.status()).isEqualTo(409);
			assertThat(forced.problemType()).isEqualTo("urn:nexus:problem:fleet_stopped");
			String page = this.api.get("/").body();
			assertThat(page).contains("Emergency stop (hold)").contains("bad deploy, checking").contains("Resume");

			Response resumed = this.api.post("/api/fleet/resume", "{\"reason\":\"deploy rolled back\"}");
			assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
			assertThat(resumed.json().get("items").get(0).get("ended_by").asString()).isEqualTo("admin");
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(task);
			assertThat(this.api.get("/api/fleet/stop").json().get("items")).isEmpty();
			assertThat(this.api.get("/").body()).doesNotContain("Emergency stop (");
			String audit = this.api.get("/api/audit?action=fleet.stopped").json().get("items").toString();
			assertThat(audit).contains(stopId).contains("bad deploy, checking");
			assertThat(this.api.get("/api/audit?action=fleet.resumed").json().get("items").toString()).contains(stopId)
				.contains("deploy rolled back");
		}
	}

	@Test
	void aHaltOfOneCategoryCancelsItsRunningTasksAndLeavesTheRest() {
		String[] agent = registerAgent("stop-halter", "stop-a", 4);
		this.api.put("/api/agents/" + agent[0], "{\"capabilities\":[\"stop-a\",\"stop-b\"]}");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String doomed = createTask("{\"title\":\"doomed\",\"category\":\"stop-a\"}");
			long epoch = accept(socket, doomed);
			String spared = createTask("{\"title\":\"spared\",\"category\":\"stop-b\"}");
			accept(socket, spared);

			Response stopped = this.api.post("/api/fleet/stop",
					"{\"mode\":\"halt\",\"reason\":\"stop-a is corrupting data\",\"scope\":{\"categories\":[\"stop-a\"]}}");
			assertThat(stopped.status()).as(stopped.body()).isEqualTo(201);
			assertThat(stopped.json().get("cancelled").toString()).contains(doomed).doesNotContain(spared);
			JsonNode cancel = socket.next("task_cancel");
			assertThat(cancel.get("task_id").asString()).isEqualTo(doomed);
			assertThat(cancel.get("lease_epoch").asLong()).isEqualTo(epoch);
			assertThat(cancel.get("reason").asString()).isEqualTo("emergency_stop");
			assertThat(this.api.get("/api/tasks/" + doomed).field("status")).isEqualTo("cancelled");
			assertThat(this.api.get("/api/tasks/" + spared).field("status")).isEqualTo("in_progress");

			// held: new work of the category waits, other work flows
			String heldBack = createTask("{\"title\":\"held back\",\"category\":\"stop-a\",\"priority\":\"critical\"}");
			String flowing = createTask("{\"title\":\"flows\",\"category\":\"stop-b\"}");
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(flowing);
			assertThat(this.api.get("/api/tasks/" + heldBack).field("status")).isEqualTo("queued");
		}
	}

	@Test
	void aLargeHeldBacklogOfOneCategoryDoesNotCrowdOutTheOthers() {
		String[] agent = registerAgent("stop-crowded", "crowd-a", 2);
		this.api.put("/api/agents/" + agent[0], "{\"capabilities\":[\"crowd-a\",\"crowd-b\"]}");
		Response stopped = this.api.post("/api/fleet/stop",
				"{\"reason\":\"crowd-a on hold\",\"scope\":{\"categories\":[\"crowd-a\"]}}");
		assertThat(stopped.status()).as(stopped.body()).isEqualTo(201);
		// more urgent held tasks than a dispatch round reads (twice the free slots, at
		// least 32), created before the one task that may run
		StringBuilder batch = new StringBuilder("{\"tasks\":[");
		for (int i = 0; i < 80; i++) {
			batch.append((i > 0) ? "," : "")
				.append("{\"title\":\"held ")
				.append(i)
				.append("\",\"category\":\"crowd-a\",\"priority\":\"critical\"}");
		}
		Response held = this.api.post("/api/tasks/batch", batch.append("]}").toString());
		assertThat(held.status()).as(held.body()).isEqualTo(201);
		String free = createTask("{\"title\":\"free\",\"category\":\"crowd-b\",\"priority\":\"low\"}");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(free);
		}
	}

	@Test
	void aStopThatCannotBeReadIsRefusedAndStoresNothing() {
		long stored = rows("fleet_stops");
		for (String body : new String[] { "{}", "{\"reason\":\"  \"}", "{\"reason\":\"x\",\"mode\":\"explode\"}",
				"{\"reason\":\"x\",\"scope\":{\"agent_ids\":[\"bad id!\"]}}",
				"{\"reason\":\"x\",\"scope\":{\"categories\":[\"" + "c".repeat(100) + "\"]}}",
				"{\"reason\":\"" + "r".repeat(501) + "\"}" }) {
			Response refused = this.api.post("/api/fleet/stop", body);
			assertThat(refused.status()).as(body).isEqualTo(400);
			assertThat(refused.isProblem()).isTrue();
		}
		assertThat(this.api.get("/api/fleet/stop").json().get("items")).isEmpty();
		assertThat(rows("fleet_stops")).isEqualTo(stored);
	}

	private long accept(RawAgent socket, String task) {
		JsonNode assigned = socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
				&& task.equals(frame.path("task_id").asString()), "task_assigned for " + task);
		long epoch = assigned.get("lease_epoch").asLong();
		socket.send(
				"{\"type\":\"task_accept\",\"id\":\"acc\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch + "}");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "in_progress".equals(this.api.get("/api/tasks/" + task).field("status")));
		return epoch;
	}

	private String[] registerAgent(String name, String capability, int concurrency) {
		Response response = this.api.post("/api/agents", "{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability
				+ "\"],\"max_concurrency\":" + concurrency + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
