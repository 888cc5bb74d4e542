package io.nexus.server.tasks;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention deletes finished tasks past their time with their history, never one that an
 * unfinished task still depends on; the export streams finished tasks as NDJSON first.
 * The retention here is a millisecond, and the background round is kept out of the way:
 * the test runs the rounds.
 */
@TestPropertySource(properties = { "nexus.tasks.retention=1ms", "nexus.tasks.retention-interval=1h",
		"nexus.tasks.retention-batch=2" })
class TaskRetentionIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private TaskRetention retention;

	@Autowired
	private JsonMapper json;

	@Test
	void finishedTasksAreDeletedWithTheirHistoryButNotWhileAnUnfinishedTaskDependsOnThem() {
		String prefix = "ret-" + System.nanoTime();
		Response batch = this.api.post("/api/tasks/batch", """
				{"tasks": [
				  {"id": "%1$s-done-1", "title": "done 1", "category": "ret-none"},
				  {"id": "%1$s-done-2", "title": "done 2", "category": "ret-none"},
				  {"id": "%1$s-done-3", "title": "done 3", "category": "ret-none"},
				  {"id": "%1$s-needed", "title": "needed", "category": "ret-none"},
				  {"id": "%1$s-open", "title": "open", "category": "ret-none"},
				  {"id": "%1$s-waiting", "title": "waiting", "category": "ret-none",
				   "dependencies": ["%1$s-needed", "%1$s-open"]}]}""".formatted(prefix));
		assertThat(batch.status()).isEqualTo(201);
		for (String id : List.of("done-1", "done-2", "needed")) {
			close(prefix + "-" + id, "completed");
		}
		close(prefix + "-done-3", "cancelled");

		// batches of two: one round works through all of them
		await().until(
				() -> this.retention.prune() >= 0 && this.api.get("/api/tasks/" + prefix + "-done-3").status() == 404);
		for (String id : List.of("done-1", "done-2", "done-3")) {
			assertThat(this.api.get("/api/tasks/" + prefix + "-" + id).status()).isEqualTo(404);
			assertThat(this.jdbc.sql("SELECT COUNT(*) FROM task_events WHERE task_id = :id")
				.param("id", prefix + "-" + id)
				.query(Long.class)
				.single()).isZero();
		}
		// a dependency of a task still waiting stays, as do unfinished tasks
		assertThat(this.api.get("/api/tasks/" + prefix + "-needed").field("status")).isEqualTo("completed");
		assertThat(this.api.get("/api/tasks/" + prefix + "-open").field("status")).isEqualTo("queued");
		assertThat(this.api.get("/api/tasks/" + prefix + "-waiting").field("status")).isEqualTo("pending");

		// once the dependant finishes, both go
		close(prefix + "-open", "cancelled");
		await().until(
				() -> this.retention.prune() >= 0 && this.api.get("/api/tasks/" + prefix + "-needed").status() == 404);
		assertThat(this.api.get("/api/tasks/" + prefix + "-waiting").status()).isEqualTo(404);
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM task_dependencies WHERE depends_on LIKE :p OR task_id LIKE :p")
			.param("p", prefix + "%")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void theExportStreamsFinishedTasksInTheOrderTheyFinishedWithTheirHistory() {
		Instant from = Instant.now().minusSeconds(1);
		String prefix = "exp-" + System.nanoTime();
		for (int i = 1; i <= 3; i++) {
			String id = prefix + "-" + i;
			assertThat(this.api
				.post("/api/tasks",
						"{\"id\":\"%s\",\"title\":\"export %d\",\"category\":\"exp-none\"}".formatted(id, i))
				.status()).isEqualTo(201);
		}
		this.api.post("/api/tasks",
				"{\"id\":\"%s-open\",\"title\":\"open\",\"category\":\"exp-none\"}".formatted(prefix));
		for (int i = 3; i >= 1; i--) {
			close(prefix + "-" + i, (i == 2) ? "failed" : "completed");
		}
		Instant to = Instant.now().plusSeconds(1);

		Response export = this.api.get("/api/exports/tasks?from=" + from + "&to=" + to + "&events=true");
		assertThat(export.status()).isEqualTo(200);
		assertThat(export.contentType()).startsWith("application/x-ndjson");
		List<JsonNode> lines = Arrays.stream(export.body().split("\n"))
			.map(this.json::readTree)
			.filter((line) -> line.get("id").asString().startsWith(prefix))
			.toList();
		assertThat(lines).extracting((line) -> line.get("id").asString())
			.containsExactly(prefix + "-3", prefix + "-2", prefix + "-1");
		assertThat(lines.get(1).get("status").asString()).isEqualTo("failed");
		assertThat(lines.get(0).get("events")).extracting((event) -> event.get("to").asString())
			.contains("queued", "completed");

		Response plain = this.api.get("/api/exports/tasks?from=" + from + "&to=" + to);
		assertThat(plain.body()).doesNotContain("\"events\"").contains(prefix + "-1").doesNotContain(prefix + "-open");
	}

	@Test
	void anExportWithoutAValidRangeIsRefused() {
		for (String query : List.of("", "?from=2026-01-01T00:00:00Z", "?from=yesterday&to=2026-01-01T00:00:00Z",
				"?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")) {
			Response response = this.api.get("/api/exports/tasks" + query);
			assertThat(response.status()).as(query).isEqualTo(400);
			assertThat(response.isProblem()).isTrue();
		}
	}

	private void close(String id, String status) {
		Response closed = this.api.put("/api/tasks/" + id, "{\"status\":\"" + status + "\"}");
		assertThat(closed.status()).as(closed.body()).isEqualTo(200);
	}

}
