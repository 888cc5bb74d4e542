package io.nexus.server.tasks;

import java.nio.file.Path;
import java.time.Duration;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.PostgresDatabase;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An answer given on one node reaches the agent connected to another: the node that took
 * the answer tells the other over PostgreSQL {@code NOTIFY}, and that node sends
 * {@code input_response}.
 */
@PostgresDatabase
class PostgresTwoNodeInputIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private Environment environment;

	@TempDir
	Path dataDir;

	@Test
	void anAnswerGivenOnOneNodeReachesTheAgentOnTheOther() {
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"far-agent\",\"capabilities\":[\"far\"],\"max_concurrency\":1}");
		assertThat(agent.status()).as(agent.body()).isEqualTo(201);
		try (ConfigurableApplicationContext nodeB = startNode();
				RawAgent socket = RawAgent.register(port(nodeB), agent.field("id"), agent.field("token"))) {
			String task = this.api.post("/api/tasks", "{\"title\":\"far\",\"category\":\"far\"}").field("id");
			long epoch = socket.next("task_assigned").get("lease_epoch").asLong();
			socket.send("{\"type\":\"task_accept\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch + "}");
			socket.send("{\"type\":\"input_request\",\"id\":\"ask\",\"task_id\":\"" + task + "\",\"lease_epoch\":"
					+ epoch + ",\"request_id\":\"q\",\"prompt\":\"Which way?\"}");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "input_required".equals(this.api.get("/api/tasks/" + task).field("status")));
			// answered on this node; the agent is connected to node B
			assertThat(this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"north\"}").status())
				.isEqualTo(200);
			JsonNode response = socket.next("input_response");
			assertThat(response.get("answer").asString()).isEqualTo("north");
			assertThat(response.get("lease_epoch").asLong()).isEqualTo(epoch);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "true".equals(this.api.get("/api/tasks/" + task + "/input").field("delivered")));
		}
	}

	private ConfigurableApplicationContext startNode() {
		return new SpringApplicationBuilder(NexusApplication.class).run("--server.port=0",
				"--server.shutdown=immediate", "--NEXUS_DATA_DIR=" + this.dataDir,
				"--nexus.security.admin-password=" + ADMIN_PASSWORD,
				"--spring.datasource.url=" + this.environment.getProperty("spring.datasource.url"),
				"--spring.datasource.username=" + this.environment.getProperty("spring.datasource.username"),
				"--spring.datasource.password=" + this.environment.getProperty("spring.datasource.password"),
				"--spring.flyway.schemas=" + this.environment.getProperty("spring.flyway.schemas"),
				"--spring.datasource.hikari.maximum-pool-size=4", "--spring.datasource.hikari.minimum-idle=0");
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

}
