package io.nexus.server.governance;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

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
 * Concurrency and rate limits by key on one node: at most N running of a key value with
 * several agents that have room for more, starts spaced by a rate, a waiting reason that
 * names the limit, and hostile limit bodies refused with nothing stored.
 */
// a context of its own: tasks without a category that other classes leave queued would
// take the slots of these agents
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class LimitIntegrationTests extends ApiIntegrationTest {

	@AfterEach
	void deleteLimits() {
		for (JsonNode limit : this.api.get("/api/limits").json().get("items")) {
			this.api.delete("/api/limits/" + limit.get("id").asString());
		}
	}

	@Test
	void aConcurrencyLimitHoldsWithSeveralAgentsThatHaveRoom() {
		Response created = this.api.post("/api/limits",
				"{\"name\":\"run-cap\",\"key\":\"category\",\"match_category\":\"lim-run\",\"max_running\":2}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String limitId = created.field("id");
		String[] first = registerAgent("lim-run-1", 3);
		String[] second = registerAgent("lim-run-2", 3);
		try (RawAgent one = RawAgent.register(this.port, first[0], first[1]);
				RawAgent two = RawAgent.register(this.port, second[0], second[1])) {
			List<String> tasks = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				tasks.add(createTask("{\"title\":\"capped " + i + "\",\"category\":\"lim-run\"}"));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> running("lim-run") == 2);
			// a task of another category is dispatched after the capped ones: dispatch
			// has run rounds since, and has still not started a third
			String other = createTask("{\"title\":\"free\",\"category\":\"lim-other\"}");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !"queued".equals(this.api.get("/api/tasks/" + other).field("status")));
			assertThat(running("lim-run")).isEqualTo(2);
			String waiting = tasks.stream()
				.filter((task) -> "queued".equals(this.api.get("/api/tasks/" + task).field("status")))
				.findFirst()
				.orElseThrow();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> String.valueOf(this.api.get("/api/tasks/" + waiting).field("waiting_reason"))
					.startsWith("held by limit run-cap: category lim-run has 2 running"));
			JsonNode limit = this.api.get("/api/limits/" + limitId).json();
			assertThat(limit.get("running").get("lim-run").asInt()).isEqualTo(2);
			assertThat(limit.get("held").toString()).contains("lim-run");
			assertThat(this.api.get("/tasks").body()).contains("id=\"task-limits\"")
				.contains("run-cap")
				.contains("lim-run 2/2")
				.contains("lim-run wait");

			// one ends: exactly one more starts
			String started = tasks.stream()
				.filter((task) -> "assigned".equals(this.api.get("/api/tasks/" + task).field("status")))
				.findFirst()
				.orElseThrow();
			assertThat(this.api.post("/api/tasks/" + started + "/cancel", "{}").status()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(10)).until(() -> queued("lim-run") == 2 && running("lim-run") == 2);

			// deleting the limit lets the rest start
			assertThat(this.api.delete("/api/limits/" + limitId).status()).isEqualTo(204);
			await().atMost(Duration.ofSeconds(10)).until(() -> running("lim-run") == 4);
			assertThat(this.api.get("/api/audit?action=limit.created").json().get("items").toString())
				.contains(limitId);
			assertThat(this.api.get("/api/audit?action=limit.deleted").json().get("items").toString())
				.contains(limitId);
		}
	}

	@Test
	void aRateLimitSpacesStarts() {
		Response created = this.api.post("/api/limits",
				"{\"name\":\"rate-cap\",\"key\":\"category\",\"match_category\":\"lim-rate\",\"rate_per_second\":4}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String[] agent = registerAgent("lim-rate-1", 10);
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			for (int i = 0; i < 5; i++) {
				createTask("{\"title\":\"rated " + i + "\",\"category\":\"lim-rate\"}");
			}
			await().atMost(Duration.ofSeconds(15)).until(() -> running("lim-rate") == 5);
			List<OffsetDateTime> starts = this.jdbc
				.sql("SELECT assigned_at FROM tasks WHERE category = 'lim-rate' ORDER BY assigned_at")
				.query(OffsetDateTime.class)
				.list();
			// one token at once (burst 1), then one every 250 ms, so the fifth start
			// comes
			// 1 s after the first by the bucket; assigned_at is written when the round's
			// transaction stores the start, which on a loaded machine may lag the token
			// by
			// a few hundred milliseconds for one start and not for another. Without the
			// limit all five start in one round, within a few milliseconds: half the
			// bucket's spacing tells the two apart with room for that lag
			assertThat(Duration.between(starts.get(0), starts.get(4))).isGreaterThanOrEqualTo(Duration.ofMillis(500));
		}
	}

	@Test
	void aLimitThatCannotBeReadIsRefusedAndStoresNothing() {
		long stored = rows("task_limits");
		for (String body : new String[] { "{}", "{\"name\":\"x\"}",
				"{\"name\":\"x\",\"key\":\"label\",\"max_running\":1}",
				"{\"name\":\"bad name!\",\"key\":\"category\",\"max_running\":1}",
				"{\"name\":\"" + "n".repeat(65) + "\",\"key\":\"category\",\"max_running\":1}",
				"{\"name\":\"x\",\"key\":\"category\",\"max_running\":0}",
				"{\"name\":\"x\",\"key\":\"category\",\"max_running\":1000001}",
				"{\"name\":\"x\",\"key\":\"category\",\"rate_per_second\":-1}",
				"{\"name\":\"x\",\"key\":\"category\",\"rate_per_second\":\"fast\"}",
				"{\"name\":\"x\",\"key\":\"category\",\"max_running\":1,\"match_category\":\"<script>\"}", "[]",
				"not json" }) {
			Response refused = this.api.post("/api/limits", body);
			assertThat(refused.status()).as(body).isEqualTo(400);
			assertThat(refused.isProblem()).as(body).isTrue();
		}
		for (String body : new String[] { "{\"name\":\"x\",\"key\":\"category\"}",
				"{\"name\":\"x\",\"key\":\"category\",\"max_running\":1,\"burst\":3}" }) {
			Response refused = this.api.post("/api/limits", body);
			assertThat(refused.status()).as(body).isEqualTo(422);
			assertThat(refused.isProblem()).as(body).isTrue();
		}
		assertThat(rows("task_limits")).isEqualTo(stored);
		assertThat(this.api
			.post("/api/limits",
					"{\"name\":\"twice\",\"key\":\"created_by\",\"max_running\":1000,"
							+ "\"match_category\":\"lim-none\"}")
			.status()).isEqualTo(201);
		Response perKey = this.api.post("/api/limits",
				"{\"name\":\"per-customer\",\"key\":\"fairness_key\",\"max_running\":5,\"match_category\":\"lim-none\"}");
		assertThat(perKey.status()).as(perKey.body()).isEqualTo(201);
		assertThat(perKey.field("description")).isEqualTo("at most 5 running per fairness_key of category lim-none");
		Response twice = this.api.post("/api/limits", "{\"name\":\"twice\",\"key\":\"category\",\"max_running\":1}");
		assertThat(twice.status()).isEqualTo(409);
		assertThat(twice.problemType()).isEqualTo("urn:nexus:problem:limit_name_taken");
		assertThat(this.api.put("/api/limits/lim-missing", "{\"name\":\"y\",\"key\":\"category\",\"max_running\":1}")
			.status()).isEqualTo(404);
		assertThat(rows("task_limits")).isEqualTo(stored + 2);
	}

	private long running(String category) {
		return this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE category = :c AND status IN ('assigned', 'in_progress')")
			.param("c", category)
			.query(Long.class)
			.single();
	}

	private long queued(String category) {
		return this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE category = :c AND status = 'queued'")
			.param("c", category)
			.query(Long.class)
			.single();
	}

	private String[] registerAgent(String name, int concurrency) {
		Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name
						+ "\",\"capabilities\":[\"lim-run\",\"lim-other\",\"lim-rate\"],\"max_concurrency\":"
						+ concurrency + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
