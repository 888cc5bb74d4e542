package io.nexus.server.dispatch;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent that enrolled itself with a key runs only tasks within the key's capabilities:
 * never a task without a category, never one of a capability an operator gave it later,
 * not even by a forced manual assignment.
 */
// a context of its own: queued tasks without capabilities, left by other classes in a
// shared context, are the point of this test
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class EnrollmentScopeIntegrationTests extends ApiIntegrationTest {

	@Test
	void anAgentEnrolledWithABuildKeyReceivesOnlyBuildTasks() {
		Response key = this.api.post("/api/enrollment-keys",
				"{\"name\":\"builders\",\"capabilities\":[\"scope-build\"]}");
		assertThat(key.status()).as(key.body()).isEqualTo(201);
		try (RawAgent agent = RawAgent.connect(this.port)) {
			agent.send("{\"type\":\"agent_register\",\"agent_id\":\"scoped-builder\",\"token\":\"" + key.field("key")
					+ "\",\"capabilities\":[\"scope-build\"],\"max_concurrency\":4}");
			agent.next("registered");
			String uncategorised = createTask("{\"title\":\"anything\",\"priority\":\"critical\"}");
			String noCapabilities = createTask(
					"{\"title\":\"nothing required\",\"category\":\"scope-build\",\"required_capabilities\":[]}");
			String build = createTask("{\"title\":\"build it\",\"category\":\"scope-build\"}");

			// the critical uncategorised task and the one without capabilities were
			// older and more urgent: the first assignment is the build task
			JsonNode assigned = agent.next("task_assigned");
			assertThat(assigned.get("task_id").asString()).isEqualTo(build);
			for (String waiting : new String[] { uncategorised, noCapabilities }) {
				JsonNode task = this.api.get("/api/tasks/" + waiting).json();
				assertThat(task.get("status").asString()).isEqualTo("queued");
				assertThat(task.get("waiting_reason").asString()).contains("enrolled with a key");
			}

			// an operator gives the agent another capability: the key still bounds it
			Response widened = this.api.put("/api/agents/scoped-builder",
					"{\"capabilities\":[\"scope-build\",\"scope-deploy\"]}");
			assertThat(widened.status()).as(widened.body()).isEqualTo(200);
			String deploy = createTask("{\"title\":\"deploy it\",\"category\":\"scope-deploy\"}");
			assertThat(this.api.get("/api/tasks/" + deploy).field("waiting_reason"))
				.isEqualTo("every connected agent with the capabilities enrolled with a key whose capabilities"
						+ " do not cover [scope-deploy]");

			Response refused = this.api.post("/api/tasks/" + deploy + "/assign",
					"{\"agent_id\":\"scoped-builder\",\"force\":true}");
			assertThat(refused.status()).isEqualTo(409);
			assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:enrollment_scope");
			assertThat(refused.field("detail")).contains("limited to [scope-build]")
				.contains("not even a forced assignment");
			Response unforced = this.api.post("/api/tasks/" + uncategorised + "/assign",
					"{\"agent_id\":\"scoped-builder\"}");
			assertThat(unforced.problemType()).isEqualTo("urn:nexus:problem:enrollment_scope");
			assertThat(this.api.get("/api/tasks/" + deploy).field("status")).isEqualTo("queued");
			assertThat(this.api.get("/api/tasks/" + uncategorised).field("status")).isEqualTo("queued");

			// a task the key covers still reaches it
			String another = createTask("{\"title\":\"build more\",\"category\":\"scope-build\"}");
			assertThat(agent.next("task_assigned").get("task_id").asString()).isEqualTo(another);
		}
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
