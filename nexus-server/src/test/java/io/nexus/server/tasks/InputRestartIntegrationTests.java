package io.nexus.server.tasks;

import java.nio.file.Path;
import java.time.Duration;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A task waiting for a person survives a restart of Nexus: it stays
 * {@code input_required} with its lease and question, past the reconnect grace, and the
 * answer given after the restart reaches its agent when it comes back.
 */
class InputRestartIntegrationTests {

	private static final String PASSWORD = "restart-password-1";

	@TempDir
	Path dataDir;

	@Test
	void aTaskWaitingForInputKeepsItsLeaseAndQuestionAcrossARestart() {
		String agentId;
		String agentToken;
		String taskId;
		long epoch;
		String token;
		try (ConfigurableApplicationContext first = start()) {
			ApiClient api = new ApiClient(port(first)).login("admin", PASSWORD);
			token = api.token();
			Response agent = api.post("/api/agents", "{\"name\":\"patient\",\"capabilities\":[\"wait\"]}");
			agentId = agent.field("id");
			agentToken = agent.field("token");
			try (RawAgent socket = RawAgent.register(port(first), agentId, agentToken)) {
				taskId = api.post("/api/tasks", "{\"title\":\"ask\",\"category\":\"wait\",\"timeout_seconds\":5}")
					.field("id");
				epoch = socket.next("task_assigned").get("lease_epoch").asLong();
				socket.send("{\"type\":\"task_accept\",\"task_id\":\"" + taskId + "\",\"lease_epoch\":" + epoch + "}");
				socket.send("{\"type\":\"input_request\",\"id\":\"ask\",\"task_id\":\"" + taskId + "\",\"lease_epoch\":"
						+ epoch + ",\"request_id\":\"q\",\"prompt\":\"Still needed?\"}");
				socket.next((frame) -> "ask".equals(frame.path("id").asString()), "the ack of the question");
				assertThat(api.get("/api/tasks/" + taskId).field("status")).isEqualTo("input_required");
			}
		}
		try (ConfigurableApplicationContext second = start()) {
			ApiClient api = new ApiClient(port(second)).withToken(token);
			// past the reconnect grace (3 s) and the task's own timeout (5 s)
			await().during(Duration.ofSeconds(6))
				.atMost(Duration.ofSeconds(20))
				.until(() -> "input_required".equals(api.get("/api/tasks/" + taskId).field("status")));
			assertThat(api.get("/api/tasks/" + taskId).field("assigned_agent_id")).isEqualTo(agentId);
			assertThat(api.get("/api/tasks/" + taskId + "/input").field("prompt")).isEqualTo("Still needed?");
			assertThat(api.post("/api/tasks/" + taskId + "/input", "{\"answer\":\"yes\"}").status()).isEqualTo(200);
			try (RawAgent back = RawAgent.connect(port(second))) {
				back.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agentId + "\",\"token\":\"" + agentToken
						+ "\",\"running_tasks\":[{\"task_id\":\"" + taskId + "\",\"lease_epoch\":" + epoch + "}]}");
				assertThat(back.next("registered").get("resumed_tasks").toString()).contains(taskId);
				JsonNode response = back.next("input_response");
				assertThat(response.get("answer").asString()).isEqualTo("yes");
				assertThat(response.get("lease_epoch").asLong()).isEqualTo(epoch);
			}
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(NexusApplication.class).run("--server.port=0",
				"--server.shutdown=immediate", "--NEXUS_DATA_DIR=" + this.dataDir,
				"--nexus.security.admin-password=" + PASSWORD, "--nexus.dispatch.reconnect-grace=3s",
				"--nexus.dispatch.reaper-interval=200ms");
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

}
