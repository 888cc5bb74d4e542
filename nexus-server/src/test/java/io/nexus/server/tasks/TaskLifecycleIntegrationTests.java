package io.nexus.server.tasks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.tasks.TaskLeases.Claim;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The task lifecycle through the API: dependencies, cascades, idempotency, batches,
 * retries, manual assignment and history.
 */
class TaskLifecycleIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private TaskLeases leases;

	@Test
	void dependentTaskWaitsUntilAllDependenciesComplete() {
		String a = createTask("{\"title\":\"a\"}");
		String b = createTask("{\"title\":\"b\"}");
		String c = createTask("{\"title\":\"c\",\"dependencies\":[\"" + a + "\",\"" + b + "\"]}");
		assertThat(status(c)).isEqualTo("pending");

		complete(a);
		assertThat(status(c)).isEqualTo("pending");

		complete(b);
		assertThat(status(c)).isEqualTo("queued");
		JsonNode last = lastEvent(c);
		assertThat(last.get("from").asString()).isEqualTo("pending");
		assertThat(last.get("reason").asString()).isEqualTo("dependencies_completed");
		assertThat(last.get("actor").asString()).isEqualTo("system");
	}

	@Test
	void failedDependencyCancelsDependentsTransitively() {
		String a = createTask("{\"title\":\"a\"}");
		String b = createTask("{\"title\":\"b\",\"dependencies\":[\"" + a + "\"]}");
		String c = createTask("{\"title\":\"c\",\"dependencies\":[\"" + b + "\"]}");

		Response failed = this.api.put("/api/tasks/" + a, "{\"status\":\"failed\",\"reason\":\"boom\"}");
		assertThat(failed.status()).isEqualTo(200);
		assertThat(failed.field("status_reason")).isEqualTo("boom");

		for (String dependent : List.of(b, c)) {
			Response task = this.api.get("/api/tasks/" + dependent);
			assertThat(task.field("status")).isEqualTo("cancelled");
			assertThat(task.field("status_reason")).isEqualTo("dependency_failed");
		}
	}

	@Test
	void cancellingATaskCancelsItsDependents() {
		String a = createTask("{\"title\":\"a\"}");
		String b = createTask("{\"title\":\"b\",\"dependencies\":[\"" + a + "\"]}");
		Response cancelled = this.api.post("/api/tasks/" + a + "/cancel", "{\"reason\":\"not needed\"}");
		assertThat(cancelled.field("status")).isEqualTo("cancelled");
		assertThat(status(b)).isEqualTo("cancelled");
		assertThat(this.api.post("/api/tasks/" + a + "/cancel", "{}").status()).isEqualTo(409);
	}

	@Test
	void dependencyOnAFailedTaskIsRefused() {
		String a = createTask("{\"title\":\"a\"}");
		this.api.post("/api/tasks/" + a + "/cancel", "{}");
		long before = rows("tasks");
		Response refused = this.api.post("/api/tasks", "{\"title\":\"b\",\"dependencies\":[\"" + a + "\"]}");
		assertThat(refused.status()).isEqualTo(422);
		assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:dependency_failed");
		assertThat(rows("tasks")).isEqualTo(before);
	}

	@Test
	void batchTasksMayDependOnEachOtherAndAreStoredInOrder() {
		Response batch = this.api.post("/api/tasks/batch", """
				{"tasks": [
				  {"id": "deploy-1", "title": "deploy", "dependencies": ["build-1", "test-1"]},
				  {"id": "test-1", "title": "test", "dependencies": ["build-1"]},
				  {"id": "build-1", "title": "build"}
				]}""");
		assertThat(batch.status()).isEqualTo(201);
		List<String> statuses = batch.json().get("tasks").findValuesAsString("status");
		assertThat(statuses).containsExactly("pending", "pending", "queued");
		complete("build-1");
		assertThat(status("test-1")).isEqualTo("queued");
		assertThat(status("deploy-1")).isEqualTo("pending");
		complete("test-1");
		assertThat(status("deploy-1")).isEqualTo("queued");
	}

	@Test
	void batchWithACycleStoresNothing() {
		long before = rows("tasks");
		Response refused = this.api.post("/api/tasks/batch", """
				{"tasks": [
				  {"id": "cyc-a", "title": "a", "dependencies": ["cyc-c"]},
				  {"id": "cyc-b", "title": "b", "dependencies": ["cyc-a"]},
				  {"id": "cyc-c", "title": "c", "dependencies": ["cyc-b"]},
				  {"id": "cyc-free", "title": "free"}
				]}""");
		assertThat(refused.status()).isEqualTo(422);
		assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:dependency_cycle");
		assertThat(refused.body()).contains("cyc-a", "cyc-b", "cyc-c").doesNotContain("cyc-free");
		assertThat(rows("tasks")).isEqualTo(before);
	}

	@Test
	void unknownDependencyIsNotFoundAndNothingIsStored() {
		long before = rows("tasks");
		long events = rows("task_events");
		Response refused = this.api.post("/api/tasks", "{\"title\":\"x\",\"dependencies\":[\"task_missing\"]}");
		assertThat(refused.status()).isEqualTo(404);
		assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:dependency_not_found");
		assertThat(rows("tasks")).isEqualTo(before);
		assertThat(rows("task_events")).isEqualTo(events);
	}

	@Test
	void sameIdempotencyKeyReturnsTheSameTask() {
		String body = "{\"title\":\"once\",\"idempotency_key\":\"key-" + System.nanoTime() + "\"}";
		Response first = this.api.post("/api/tasks", body);
		Response second = this.api.post("/api/tasks", body);
		assertThat(first.status()).isEqualTo(201);
		assertThat(second.status()).isEqualTo(200);
		assertThat(second.field("id")).isEqualTo(first.field("id"));

		Response different = this.api.post("/api/tasks",
				body.replace("\"once\"", "\"twice\"").replace("{", "{\"priority\":\"low\","));
		assertThat(different.status()).isEqualTo(409);
		assertThat(different.problemType()).isEqualTo("urn:nexus:problem:idempotency_key_reused");
	}

	@Test
	void idempotencyKeyHeaderWorksLikeTheField() {
		String key = "header-" + System.nanoTime();
		Response first = this.api.send("POST", "/api/tasks",
				java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":\"h\"}"), "application/json",
				"Idempotency-Key", key);
		Response second = this.api.send("POST", "/api/tasks",
				java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":\"h\"}"), "application/json",
				"Idempotency-Key", key);
		assertThat(first.status()).isEqualTo(201);
		assertThat(second.status()).isEqualTo(200);
		assertThat(second.field("id")).isEqualTo(first.field("id"));
	}

	@Test
	void retryCreatesANewTaskAndLeavesTheOldOneFinal() {
		String a = createTask("{\"title\":\"flaky\",\"payload\":{\"n\":1}}");
		assertThat(this.api.post("/api/tasks/" + a + "/retry", "").status()).isEqualTo(409);
		this.api.put("/api/tasks/" + a, "{\"status\":\"failed\"}");
		Response retried = this.api.post("/api/tasks/" + a + "/retry", "");
		assertThat(retried.status()).isEqualTo(201);
		assertThat(retried.field("retry_of")).isEqualTo(a);
		assertThat(retried.field("status")).isEqualTo("queued");
		assertThat(retried.json().get("payload").get("n").asInt()).isEqualTo(1);
		assertThat(status(a)).isEqualTo("failed");
	}

	@Test
	void operatorsMayOnlyCloseTasksByHand() {
		String a = createTask("{\"title\":\"a\"}");
		Response refused = this.api.put("/api/tasks/" + a, "{\"status\":\"in_progress\"}");
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:illegal_transition");

		complete(a);
		Response again = this.api.put("/api/tasks/" + a, "{\"status\":\"failed\"}");
		assertThat(again.status()).isEqualTo(409);
		assertThat(status(a)).isEqualTo("completed");
		assertThat(this.api.put("/api/tasks/" + a, "{\"title\":\"renamed\"}").status()).isEqualTo(409);
	}

	@Test
	void everyTransitionIsRecordedWithItsActor() {
		String agent = registerAgent("{\"name\":\"hist\",\"capabilities\":[\"ops\"]}");
		String a = createTask("{\"title\":\"a\",\"category\":\"ops\"}");
		this.api.post("/api/tasks/" + a + "/assign", "{\"agent_id\":\"" + agent + "\"}");
		this.api.post("/api/tasks/" + a + "/cancel", "{\"reason\":\"changed plans\"}");
		JsonNode events = this.api.get("/api/tasks/" + a + "/events").json();
		assertThat(events.findValuesAsString("to")).containsExactly("queued", "assigned", "cancelled");
		assertThat(events.findValuesAsString("actor")).containsOnly("admin");
		assertThat(events.get(2).get("reason").asString()).isEqualTo("changed plans");
		assertThat(events.get(1).get("agent_id").asString()).isEqualTo(agent);
	}

	@Test
	void aClaimAndAManualAssignmentEachConsumeAnAttemptAndAReleaseGivesItBack() {
		// the agent never connects, so the dispatcher leaves the task alone
		AgentId agent = new AgentId(registerAgent("{\"name\":\"attempts\",\"capabilities\":[\"ops\"]}"));
		TaskId id = new TaskId(createTask("{\"title\":\"counted\",\"category\":\"ops\"}"));
		Task queued = this.leases.find(id).orElseThrow();

		List<Task> won = this.leases.claim(List.of(new Claim(queued, agent, "auto: by hand in a test")));
		assertThat(won).singleElement().satisfies((task) -> {
			assertThat(task.status()).isEqualTo(TaskStatus.ASSIGNED);
			assertThat(task.attempts()).isEqualTo(1);
			assertThat(task.leaseEpoch()).isEqualTo(1);
		});
		assertThat(attemptsAndEpoch(id)).containsExactly(1, 1);
		JsonNode claimed = lastEvent(id.value());
		assertThat(claimed.get("to").asString()).isEqualTo("assigned");
		assertThat(claimed.get("actor").asString()).isEqualTo("dispatcher");
		assertThat(claimed.get("agent_id").asString()).isEqualTo(agent.value());
		assertThat(claimed.get("lease_epoch").asLong()).isEqualTo(1);

		// a claim from the same, now stale, read is skipped and changes nothing
		assertThat(this.leases.claim(List.of(new Claim(queued, agent, "auto: again")))).isEmpty();
		// a task read in a status that cannot become assigned is refused before any write
		assertThatExceptionOfType(IllegalTransitionException.class)
			.isThrownBy(() -> this.leases.claim(List.of(new Claim(won.get(0), agent, "auto: twice"))));
		assertThat(attemptsAndEpoch(id)).containsExactly(1, 1);

		// the claim was never sent: the task goes back and the attempt is given back
		assertThat(this.leases.release(won.get(0).lease(), "returned to the queue: not sent")).isTrue();
		assertThat(status(id.value())).isEqualTo("queued");
		assertThat(attemptsAndEpoch(id)).containsExactly(0, 1);
		assertThat(lastEvent(id.value()).get("actor").asString()).isEqualTo("dispatcher");

		Response assigned = this.api.post("/api/tasks/" + id + "/assign", "{\"agent_id\":\"" + agent + "\"}");
		assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
		assertThat(assigned.json().get("attempts").asInt()).as("a manual assignment is an attempt (docs/api.md)")
			.isEqualTo(1);
		assertThat(attemptsAndEpoch(id)).containsExactly(1, 2);
		assertThat(this.api.get("/api/tasks/" + id + "/events").json().findValuesAsString("to"))
			.containsExactly("queued", "assigned", "queued", "assigned");
	}

	@Test
	void manualAssignmentChecksCapabilitiesStatusAndSlotsUnlessForced() {
		String agent = registerAgent("{\"name\":\"narrow\",\"capabilities\":[\"backend\"]}");
		String frontend = createTask("{\"title\":\"ui\",\"category\":\"frontend\"}");
		Response mismatch = this.api.post("/api/tasks/" + frontend + "/assign", "{\"agent_id\":\"" + agent + "\"}");
		assertThat(mismatch.status()).isEqualTo(409);
		assertThat(mismatch.problemType()).isEqualTo("urn:nexus:problem:capability_mismatch");
		assertThat(status(frontend)).isEqualTo("queued");

		Response forced = this.api.post("/api/tasks/" + frontend + "/assign",
				"{\"agent_id\":\"" + agent + "\",\"force\":true}");
		assertThat(forced.status()).isEqualTo(200);
		assertThat(forced.json().get("attempts").asInt()).as("a manual assignment is an attempt (docs/api.md)")
			.isEqualTo(1);

		String second = createTask("{\"title\":\"api\",\"category\":\"backend\"}");
		Response full = this.api.post("/api/tasks/" + second + "/assign", "{\"agent_id\":\"" + agent + "\"}");
		assertThat(full.problemType()).isEqualTo("urn:nexus:problem:agent_full");

		this.api.put("/api/agents/" + agent, "{\"status\":\"paused\",\"max_concurrency\":5}");
		Response paused = this.api.post("/api/tasks/" + second + "/assign", "{\"agent_id\":\"" + agent + "\"}");
		assertThat(paused.problemType()).isEqualTo("urn:nexus:problem:agent_unavailable");

		Response unknown = this.api.post("/api/tasks/" + second + "/assign", "{\"agent_id\":\"nobody\"}");
		assertThat(unknown.status()).isEqualTo(404);
	}

	@Test
	void deletingAnAgentReturnsItsTasksToTheQueue() {
		String agent = registerAgent("{\"name\":\"leaving\",\"capabilities\":[\"ops\"]}");
		String a = createTask("{\"title\":\"a\",\"category\":\"ops\"}");
		this.api.post("/api/tasks/" + a + "/assign", "{\"agent_id\":\"" + agent + "\"}");
		assertThat(this.api.delete("/api/agents/" + agent).status()).isEqualTo(204);
		assertThat(this.api.get("/api/agents/" + agent).status()).isEqualTo(404);
		Response task = this.api.get("/api/tasks/" + a);
		assertThat(task.field("status")).isEqualTo("queued");
		assertThat(task.json().get("assigned_agent_id").isNull()).isTrue();
		assertThat(lastEvent(a).get("reason").asString()).isEqualTo("agent_deleted");
	}

	@Test
	void listsPageThroughEveryTaskOnceWithFilters() {
		String category = "page" + System.nanoTime() % 100000;
		Set<String> created = new HashSet<>();
		for (int i = 0; i < 5; i++) {
			created.add(createTask("{\"title\":\"p" + i + "\",\"category\":\"" + category + "\"}"));
		}
		createTask("{\"title\":\"other\",\"category\":\"elsewhere\"}");
		List<String> seen = new ArrayList<>();
		String cursor = null;
		do {
			Response page = this.api
				.get("/api/tasks?limit=2&category=" + category + ((cursor != null) ? "&cursor=" + cursor : ""));
			assertThat(page.status()).isEqualTo(200);
			seen.addAll(page.json().get("items").findValuesAsString("id"));
			JsonNode next = page.json().get("next_cursor");
			cursor = next.isNull() ? null : next.asString();
		}
		while (cursor != null);
		assertThat(seen).hasSize(5).containsExactlyInAnyOrderElementsOf(created);
		assertThat(this.api.get("/api/tasks?status=queued&priority=medium&category=" + category)
			.json()
			.get("items")
			.size()).isEqualTo(5);
	}

	private List<Integer> attemptsAndEpoch(TaskId id) {
		return this.jdbc.sql("SELECT attempts, lease_epoch FROM tasks WHERE id = :id")
			.param("id", id.value())
			.query((rs, row) -> List.of(rs.getInt("attempts"), rs.getInt("lease_epoch")))
			.single();
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

	private String registerAgent(String json) {
		Response response = this.api.post("/api/agents", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

	private void complete(String id) {
		Response response = this.api.put("/api/tasks/" + id, "{\"status\":\"completed\"}");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
	}

	private String status(String id) {
		return this.api.get("/api/tasks/" + id).field("status");
	}

	private JsonNode lastEvent(String id) {
		JsonNode events = this.api.get("/api/tasks/" + id + "/events").json();
		return events.get(events.size() - 1);
	}

}
