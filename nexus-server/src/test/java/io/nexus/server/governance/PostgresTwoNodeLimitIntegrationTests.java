package io.nexus.server.governance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.PostgresDatabase;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A concurrency limit holds across two nodes on one PostgreSQL schema: this test's server
 * and a second one started here, each with an agent that has room for more, both
 * dispatching the same backlog.
 */
@PostgresDatabase
@TestPropertySource(properties = { "nexus.dispatch.reaper-interval=200ms" })
class PostgresTwoNodeLimitIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private Environment environment;

	@TempDir
	Path dataDir;

	@Test
	void aConcurrencyLimitHoldsAcrossTwoNodes() {
		Response created = this.api.post("/api/limits",
				"{\"name\":\"two-node-cap\",\"key\":\"category\",\"match_category\":\"lim-two\",\"max_running\":3}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String[] onA = registerAgent("lim-two-a");
		String[] onB = registerAgent("lim-two-b");
		try (ConfigurableApplicationContext nodeB = startNode();
				RawAgent agentA = RawAgent.register(this.port, onA[0], onA[1]);
				RawAgent agentB = RawAgent.register(port(nodeB), onB[0], onB[1])) {
			List<String> tasks = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				tasks.add(createTask());
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> running() == 3);
			// both nodes run rounds every 200 ms: none may start a fourth
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> running() <= 3);
			for (int round = 0; round < 3; round++) {
				String started = tasks.stream()
					.filter((task) -> "assigned".equals(this.api.get("/api/tasks/" + task).field("status")))
					.findFirst()
					.orElseThrow();
				assertThat(this.api.post("/api/tasks/" + started + "/cancel", "{}").status()).isEqualTo(200);
				long left = 8 - round;
				await().atMost(Duration.ofSeconds(10)).until(() -> running() == 3 && queued() == left);
				await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> running() <= 3);
			}
		}
	}

	private long running() {
		return this.jdbc
			.sql("SELECT COUNT(*) FROM tasks WHERE category = 'lim-two' AND status IN ('assigned', 'in_progress')")
			.query(Long.class)
			.single();
	}

	private long queued() {
		return this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE category = 'lim-two' AND status = 'queued'")
			.query(Long.class)
			.single();
	}

	private ConfigurableApplicationContext startNode() {
		return new SpringApplicationBuilder(NexusApplication.class).run("--server.port=0",
				"--server.shutdown=immediate", "--NEXUS_DATA_DIR=" + this.dataDir,
				"--nexus.security.admin-password=" + ADMIN_PASSWORD,
				"--spring.datasource.url=" + this.environment.getProperty("spring.datasource.url"),
				"--spring.datasource.username=" + this.environment.getProperty("spring.datasource.username"),
				"--spring.datasource.password=" + this.environment.getProperty("spring.datasource.password"),
				"--spring.flyway.schemas=" + this.environment.getProperty("spring.flyway.schemas"),
				"--spring.datasource.hikari.maximum-pool-size=4", "--spring.datasource.hikari.minimum-idle=0",
				"--nexus.dispatch.reaper-interval=200ms");
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private String[] registerAgent(String name) {
		Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name + "\",\"capabilities\":[\"lim-two\"],\"max_concurrency\":8}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask() {
		Response response = this.api.post("/api/tasks", "{\"title\":\"two\",\"category\":\"lim-two\"}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
