package io.nexus.server.governance;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task's {@code agent_selector}: checked when the task is created, stored and shown,
 * and obeyed by dispatch with a reason while no agent matches.
 */
// a context of its own: queued tasks without a category that other classes leave behind
// would fill these agents' slots and change the waiting reasons asserted here
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class AgentSelectorIntegrationTests extends ApiIntegrationTest {

	@Test
	void aSelectorRoutesTheTaskToAnAgentWhoseLabelsMatch() {
		String[] plain = registerAgent("sel-plain", "{\"zone\":\"us\"}");
		String[] gpu = registerAgent("sel-gpu", "{\"zone\":\"eu\",\"gpu\":\"a100\"}");
		try (RawAgent plainSocket = RawAgent.register(this.port, plain[0], plain[1])) {
			Response created = this.api
				.post("/api/tasks", "{\"title\":\"needs a gpu in eu\",\"category\":\"sel-work\",\"agent_selector\":{"
						+ "\"match_labels\":{\"zone\":\"eu\"},"
						+ "\"match_expressions\":[{\"key\":\"gpu\",\"operator\":\"In\",\"values\":[\"a100\",\"h100\"]}]}}");
			assertThat(created.status()).as(created.body()).isEqualTo(201);
			String task = created.field("id");
			Response read = this.api.get("/api/tasks/" + task);
			assertThat(read.json().get("agent_selector").get("match_labels").get("zone").asString()).isEqualTo("eu");
			assertThat(read.json().get("agent_selector").get("match_expressions").get(0).get("operator").asString())
				.isEqualTo("In");
			assertThat(read.field("waiting_reason")).isEqualTo(
					"no connected agent with the capabilities matches the task's agent_selector (zone=eu, gpu In [a100, h100])");
			Response assign = this.api.post("/api/tasks/" + task + "/assign", "{\"agent_id\":\"" + plain[0] + "\"}");
			assertThat(assign.status()).isEqualTo(409);
			assertThat(assign.problemType()).isEqualTo("urn:nexus:problem:agent_selector_mismatch");
			try (RawAgent gpuSocket = RawAgent.register(this.port, gpu[0], gpu[1])) {
				assertThat(assigned(gpuSocket, task).get("task_id").asString()).isEqualTo(task);
			}
		}
	}

	@Test
	void aSelectorThatMakesNoSenseIsRefusedAndStoresNothing() {
		long tasks = rows("tasks");
		for (String selector : new String[] { "{\"match_expressions\":[{\"key\":\"gpu\",\"operator\":\"In\"}]}",
				"{\"match_expressions\":[{\"key\":\"gpu\",\"operator\":\"Near\",\"values\":[\"x\"]}]}",
				"{\"match_expressions\":[{\"key\":\"gpu\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}",
				"{\"match_labels\":{\"bad key!\":\"x\"}}" }) {
			Response refused = this.api.post("/api/tasks",
					"{\"title\":\"bad\",\"category\":\"sel-work\",\"agent_selector\":" + selector + "}");
			assertThat(refused.status()).as(selector + ": " + refused.body()).isEqualTo(422);
			assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:agent_selector_invalid");
		}
		assertThat(rows("tasks")).isEqualTo(tasks);
	}

	private String[] registerAgent(String name, String labels) {
		Response response = this.api.post("/api/agents", "{\"name\":\"" + name
				+ "\",\"capabilities\":[\"sel-work\"],\"max_concurrency\":2,\"labels\":" + labels + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private static JsonNode assigned(RawAgent socket, String task) {
		return socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
				&& task.equals(frame.path("task_id").asString()), "task_assigned for " + task);
	}

}
