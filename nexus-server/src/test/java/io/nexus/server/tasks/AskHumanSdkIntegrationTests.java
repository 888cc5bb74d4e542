package io.nexus.server.tasks;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import io.nexus.server.support.TcpProxy;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Java SDK's {@code TaskContext.askHuman} through a real server: the handler blocks
 * until a person answers, and gets the answer even when its connection dropped while it
 * waited.
 */
@TestPropertySource(properties = { "nexus.dispatch.reconnect-grace=30s" })
class AskHumanSdkIntegrationTests extends ApiIntegrationTest {

	@Test
	void askHumanReturnsTheAnswerGivenWhileTheAgentWasDisconnected() throws IOException {
		Response agent = this.api.post("/api/agents", "{\"name\":\"sdk-ask\",\"capabilities\":[\"sdk-ask\"]}");
		String agentId = agent.field("id");
		try (SdkAgents agents = new SdkAgents(this.port); TcpProxy proxy = new TcpProxy("localhost", this.port)) {
			proxy.start();
			agents.start(agents
				.builder(agentId, agent.field("token"),
						(context) -> Map.of("picked",
								context.askHuman("Which region?", "{\"enum\":[\"eu\",\"us\"]}").asString()),
						"sdk-ask")
				.serverUri(URI.create("ws://localhost:" + proxy.port() + "/ws")));
			String task = this.api.post("/api/tasks", "{\"title\":\"ask\",\"category\":\"sdk-ask\"}").field("id");
			await().atMost(Duration.ofSeconds(15)).until(() -> "input_required".equals(status(task)));
			assertThat(this.api.get("/api/tasks/" + task + "/input").field("prompt")).isEqualTo("Which region?");

			proxy.stop();
			await().atMost(Duration.ofSeconds(15))
				.until(() -> "offline".equals(this.api.get("/api/agents/" + agentId).field("status")));
			assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"mars\"}").status()).isEqualTo(422);
			assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"eu\"}").status()).isEqualTo(200);
			proxy.start();

			await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(status(task)));
			Response done = this.api.get("/api/tasks/" + task);
			assertThat(done.json().get("result").get("picked").asString()).isEqualTo("eu");
			assertThat(done.field("assigned_agent_id")).isEqualTo(agentId);
			assertThat(done.json().get("attempts").asInt()).isEqualTo(1);
		}
	}

	@Test
	void aQuestionNexusRefusesFailsTheHandlersCallAndTheTaskGoesOn() {
		Response agent = this.api.post("/api/agents", "{\"name\":\"sdk-bad\",\"capabilities\":[\"sdk-bad\"]}");
		try (SdkAgents agents = new SdkAgents(this.port)) {
			agents.start(agents.builder(agent.field("id"), agent.field("token"), (context) -> {
				try {
					context.askHuman("Pick", "{\"oneOf\":[]}");
					return Map.of("asked", true);
				}
				catch (IllegalArgumentException ex) {
					return Map.of("refused", ex.getMessage());
				}
			}, "sdk-bad"));
			String task = this.api.post("/api/tasks", "{\"title\":\"ask\",\"category\":\"sdk-bad\"}").field("id");
			await().atMost(Duration.ofSeconds(15)).until(() -> "completed".equals(status(task)));
			assertThat(this.api.get("/api/tasks/" + task).json().get("result").get("refused").asString())
				.contains("invalid_frame")
				.contains("oneOf");
		}
	}

	private String status(String task) {
		return this.api.get("/api/tasks/" + task).field("status");
	}

}
