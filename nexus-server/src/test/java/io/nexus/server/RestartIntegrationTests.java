package io.nexus.server;

import java.nio.file.Path;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default, embedded H2 store keeps everything across a restart on the same data
 * directory, including the signing key of access tokens.
 */
class RestartIntegrationTests {

	private static final String PASSWORD = "restart-password-1";

	@TempDir
	Path dataDir;

	@Test
	void agentsTasksHistoryAndTokensSurviveARestart() {
		String agentId;
		String taskId;
		String token;
		try (ConfigurableApplicationContext first = start()) {
			ApiClient api = new ApiClient(port(first)).login("admin", PASSWORD);
			token = api.token();
			agentId = api.post("/api/agents", "{\"name\":\"durable\",\"capabilities\":[\"ops\"]}").field("id");
			taskId = api.post("/api/tasks", "{\"title\":\"survive\",\"category\":\"ops\",\"payload\":{\"k\":[1,2]}}")
				.field("id");
			api.post("/api/tasks/" + taskId + "/assign", "{\"agent_id\":\"" + agentId + "\"}");
		}
		try (ConfigurableApplicationContext second = start()) {
			ApiClient api = new ApiClient(port(second)).withToken(token);
			Response task = api.get("/api/tasks/" + taskId);
			assertThat(task.status()).isEqualTo(200);
			assertThat(task.field("status")).isEqualTo("assigned");
			assertThat(task.field("assigned_agent_id")).isEqualTo(agentId);
			assertThat(task.json().get("payload").get("k").get(1).asInt()).isEqualTo(2);
			assertThat(api.get("/api/tasks/" + taskId + "/events").json().size()).isEqualTo(2);
			assertThat(api.get("/api/agents/" + agentId).field("name")).isEqualTo("durable");
			assertThat(api.put("/api/tasks/" + taskId, "{\"status\":\"completed\"}").field("status"))
				.isEqualTo("completed");
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(NexusApplication.class).run("--server.port=0",
				"--server.shutdown=immediate", "--NEXUS_DATA_DIR=" + this.dataDir,
				"--nexus.security.admin-password=" + PASSWORD);
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

}
