package io.nexus.server.governance;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fair share: with a backlog skewed 90/5/5 between three keys of weight 1, created with
 * the big key's tasks first, an agent with one slot is given each key about a third of
 * the time; weights tilt the share; hostile bodies are refused.
 */
// a context of its own: tasks without a category that other classes leave queued would
// reach this agent too
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class FairShareIntegrationTests extends ApiIntegrationTest {

	@Test
	void aKeyWithMostOfTheBacklogDoesNotStarveTheOthers() {
		createBacklog("fair-a", "big", 90, "small1", 5, "small2", 5);
		assertThat(this.api.get("/tasks").body()).contains("id=\"fair-share-table\"").contains("<td>big</td>");
		Map<String, Integer> served = serve("fair-a", 15);
		assertThat(served.get("big")).as(served.toString()).isBetween(4, 6);
		assertThat(served.get("small1")).as(served.toString()).isBetween(4, 6);
		assertThat(served.get("small2")).as(served.toString()).isBetween(4, 6);
		assertThat(this.api.get("/api/fair-share").body()).contains("\"key\":\"big\"");
	}

	@Test
	void weightsTiltTheShare() {
		Response weighted = this.api.put("/api/fair-share/weights/heavy", "{\"weight\":3}");
		assertThat(weighted.status()).as(weighted.body()).isEqualTo(200);
		try {
			createBacklog("fair-w", "heavy", 40, "light", 40, null, 0);
			Map<String, Integer> served = serve("fair-w", 20);
			assertThat(served.get("heavy")).as(served.toString()).isBetween(14, 16);
			assertThat(this.api.get("/api/audit?action=fair_share.weight_set").json().get("items").toString())
				.contains("heavy");
		}
		finally {
			assertThat(this.api.delete("/api/fair-share/weights/heavy").status()).isEqualTo(204);
		}
	}

	@Test
	void hostileFairShareInputIsRefused() {
		assertThat(
				this.api.post("/api/tasks", "{\"title\":\"x\",\"fairness_key\":\"" + "k".repeat(129) + "\"}").status())
			.isEqualTo(400);
		assertThat(this.api.post("/api/tasks", "{\"title\":\"x\",\"fairness_key\":\"bad key!\"}").status())
			.isEqualTo(400);
		for (String body : new String[] { "{}", "{\"weight\":0}", "{\"weight\":1001}", "{\"weight\":\"x\"}" }) {
			assertThat(this.api.put("/api/fair-share/weights/k", body).status()).as(body).isEqualTo(400);
		}
		assertThat(this.api.put("/api/fair-share/weights/" + "k".repeat(129), "{\"weight\":2}").status())
			.isEqualTo(400);
		assertThat(this.api.delete("/api/fair-share/weights/never-set").status()).isEqualTo(404);
		assertThat(rows("fairness_weights")).isZero();
		Response task = this.api.post("/api/tasks", "{\"title\":\"keyed\",\"fairness_key\":\"team-x@corp\"}");
		assertThat(task.status()).isEqualTo(201);
		assertThat(task.field("fairness_key")).isEqualTo("team-x@corp");
	}

	/** Creates the tasks of each key in one batch, the first key's all first. */
	private void createBacklog(String category, String first, int firstCount, String second, int secondCount,
			String third, int thirdCount) {
		StringBuilder batch = new StringBuilder("{\"tasks\":[");
		int n = 0;
		for (Object[] part : new Object[][] { { first, firstCount }, { second, secondCount }, { third, thirdCount } }) {
			for (int i = 0; i < (int) part[1]; i++) {
				batch.append((n++ > 0) ? "," : "")
					.append("{\"title\":\"t\",\"category\":\"")
					.append(category)
					.append("\",\"fairness_key\":\"")
					.append(part[0])
					.append("\"}");
			}
		}
		Response created = this.api.post("/api/tasks/batch", batch.append("]}").toString());
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		// the keys are read once a second: wait until this node knows them all
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			String keys = this.api.get("/api/fair-share").body();
			return keys.contains("\"" + first + "\"") && (second == null || keys.contains("\"" + second + "\""))
					&& (third == null || keys.contains("\"" + third + "\""));
		});
	}

	/** An agent with one slot runs the first tasks dispatched; how many of each key. */
	private Map<String, Integer> serve(String category, int count) {
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"" + category + "\",\"capabilities\":[\"" + category + "\"],\"max_concurrency\":1}");
		assertThat(agent.status()).as(agent.body()).isEqualTo(201);
		Map<String, Integer> served = new HashMap<>();
		try (RawAgent socket = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
			// tasks without a category that other test classes left queued may reach this
			// agent too (a key of their own); only this test's tasks are counted
			for (int i = 0, counted = 0; counted < count; i++) {
				JsonNode assigned = socket.next("task_assigned");
				String task = assigned.get("task_id").asString();
				long epoch = assigned.get("lease_epoch").asLong();
				Response read = this.api.get("/api/tasks/" + task);
				if (category.equals(read.field("category"))) {
					served.merge(read.field("fairness_key"), 1, Integer::sum);
					counted++;
				}
				socket.send("{\"type\":\"task_accept\",\"id\":\"a" + i + "\",\"task_id\":\"" + task
						+ "\",\"lease_epoch\":" + epoch + "}");
				socket.send("{\"type\":\"task_complete\",\"id\":\"c" + i + "\",\"task_id\":\"" + task
						+ "\",\"lease_epoch\":" + epoch + "}");
			}
		}
		return served;
	}

}
