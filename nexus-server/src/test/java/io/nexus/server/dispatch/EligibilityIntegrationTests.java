package io.nexus.server.dispatch;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Automatic dispatch, manual assignment, "why waiting" and the dashboard's candidates
 * give the same answer, because they all ask {@link Eligibility}.
 */
// a context of its own: queued tasks that need no capability, left by other classes in a
// shared context, would fill its agents' slots
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class EligibilityIntegrationTests extends ApiIntegrationTest {

	@Test
	void everyPlaceGivesTheSameVerdictOnAPausedAgent() {
		// room for more than one task: the shared test context may hold queued tasks that
		// need no capability, which this agent may take before it is paused
		String[] agent = registerAgent("elig-paused", "elig-x", 4);
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			await().until(() -> this.api.get("/api/agents/" + agent[0]).json().get("online").asBoolean());
			assertThat(this.api.put("/api/agents/" + agent[0], "{\"status\":\"paused\"}").status()).isEqualTo(200);
			String task = createTask("{\"title\":\"waits\",\"category\":\"elig-x\",\"priority\":\"critical\"}");

			assertThat(this.api.get("/api/tasks/" + task).field("waiting_reason")).isEqualTo(
					"all 1 capable agent(s) take no new work (paused, draining, shutting down or in maintenance)");
			Response refused = this.api.post("/api/tasks/" + task + "/assign", "{\"agent_id\":\"" + agent[0] + "\"}");
			assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:agent_unavailable");
			assertThat(refused.field("detail")).startsWith("Agent '" + agent[0] + "' is paused and takes no new work");
			String page = this.api.get("/tasks/" + task).body();
			assertThat(candidateRow(page, agent[0])).contains("agent &#39;" + agent[0] + "&#39; is paused")
				.contains("Force assign");

			assertThat(this.api.put("/api/agents/" + agent[0], "{\"status\":\"active\"}").status()).isEqualTo(200);
			// the shared test context may hold queued tasks that need no capability,
			// which
			// this agent may take too; only this test's task matters here
			JsonNode assigned = socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
					&& task.equals(frame.path("task_id").asString()), "the assignment of " + task);
			assertThat(assigned.get("task_id").asString()).isEqualTo(task);
			JsonNode events = this.api.get("/api/tasks/" + task + "/events").json();
			assertThat(events.get(events.size() - 1).get("reason").asString())
				.startsWith("auto: agent " + agent[0] + " scored ")
				.contains("latency")
				.endsWith("among 1 eligible");
		}
	}

	@Test
	void dashboardRanksAnEligibleAgentAboveOneLackingACapability() {
		String[] able = registerAgent("elig-able", "elig-y");
		String[] unable = registerAgent("elig-unable", "elig-z");
		String task = createTask("{\"title\":\"ranked\",\"category\":\"elig-y\"}");

		String page = this.api.get("/tasks/" + task).body();

		assertThat(candidateRow(page, able[0])).contains("eligible; offline, the task waits until it connects");
		assertThat(candidateRow(page, unable[0]))
			.contains("agent &#39;" + unable[0] + "&#39; lacks required capabilities [elig-y]");
		assertThat(page.indexOf("data-agent-id=\"" + able[0] + "\""))
			.isLessThan(page.indexOf("data-agent-id=\"" + unable[0] + "\""));
		Response refused = this.api.post("/api/tasks/" + task + "/assign", "{\"agent_id\":\"" + unable[0] + "\"}");
		assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:capability_mismatch");
		assertThat(this.api.post("/api/tasks/" + task + "/assign", "{\"agent_id\":\"" + able[0] + "\"}").status())
			.isEqualTo(200);
	}

	private static String candidateRow(String page, String agentId) {
		int start = page.indexOf("data-agent-id=\"" + agentId + "\"");
		assertThat(start).as("candidate row of " + agentId).isPositive();
		return page.substring(start, page.indexOf("</tr>", start));
	}

	private String[] registerAgent(String name, String capability) {
		return registerAgent(name, capability, 1);
	}

	private String[] registerAgent(String name, String capability, int maxConcurrency) {
		Response response = this.api.post("/api/agents", "{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability
				+ "\"],\"max_concurrency\":" + maxConcurrency + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
