package io.nexus.server.cluster;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One node: its row in {@code GET /api/nodes}, and what connecting and disconnecting do
 * to an agent's {@code online} flag and status.
 */
class AgentPresenceIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private ConfigurableApplicationContext context;

	@Test
	void theNodeListsItselfWithItsAgents() {
		String[] agent = registerAgent("counted", "count-work");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			JsonNode self = this.api.get("/api/nodes").json().get("items").get(0);
			assertThat(self.get("self").asBoolean()).isTrue();
			assertThat(self.get("state").asString()).isEqualTo("up");
			assertThat(self.get("address").asString()).endsWith(":" + this.port);
			assertThat(self.get("agents").asLong()).isEqualTo(1);
		}
		assertThat(this.api.withoutToken().get("/api/nodes").status()).isEqualTo(401);
	}

	@Test
	void aDisconnectedAgentIsOfflineAndActiveAgainWhenItReturns() {
		String[] agent = registerAgent("comes-and-goes", "return-work");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			assertThat(status(agent[0])).isEqualTo("active");
		}
		await().until(() -> "offline".equals(status(agent[0])));
		assertThat(this.api.get("/api/agents/" + agent[0]).json().get("online").asBoolean()).isFalse();
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			assertThat(status(agent[0])).isEqualTo("active");
			// it takes work again at once: its connection saw the status it came back
			// with
			String task = createTask("return-work");
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(task);
		}
	}

	@Test
	void aPausedAgentStaysPausedWhileAway() {
		String[] agent = registerAgent("held", "held-work");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			assertThat(this.api.post("/api/agents/" + agent[0] + "/pause", "").status()).isEqualTo(200);
		}
		await().until(() -> !this.api.get("/api/agents/" + agent[0]).json().get("online").asBoolean());
		assertThat(status(agent[0])).isEqualTo("paused");
	}

	@Test
	@DirtiesContext
	void aNodeStoppedAndStartedAgainInTheSameProcessTakesAgentsAgain() {
		// what the test framework does to the contexts it caches, and what an embedding
		// application may do: stop() hands the agents over and marks the node stopped
		this.context.stop();
		this.context.start();
		// a random port is chosen again when the web server starts again
		this.port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		logIn();
		await().until(() -> "up".equals(this.api.get("/api/nodes").json().get("items").get(0).get("state").asString()));
		String[] agent = registerAgent("after-restart", "restart-work");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			assertThat(status(agent[0])).isEqualTo("active");
		}
	}

	private String status(String agentId) {
		return this.api.get("/api/agents/" + agentId).field("status");
	}

	private String[] registerAgent(String name, String capability) {
		Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability + "\"]}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String category) {
		Response response = this.api.post("/api/tasks",
				"{\"title\":\"" + category + "\",\"category\":\"" + category + "\"}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
