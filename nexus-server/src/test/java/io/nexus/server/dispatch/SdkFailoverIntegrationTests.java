package io.nexus.server.dispatch;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.PostgresDatabase;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An SDK agent given two nodes (node A started here, node B this test's server) loses
 * node A while it runs a task: it moves on to node B, resumes the task under the same
 * lease, and the task completes once, with one run of the handler.
 */
@PostgresDatabase
// it stops nodes: a context of its own, never one the test framework paused and restarted
// on another port
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class SdkFailoverIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private Environment environment;

	@TempDir
	Path dataDir;

	@Test
	void anAgentWhoseNodeStopsResumesItsTaskOnTheNextNode() throws Exception {
		Response registered = this.api.post("/api/agents",
				"{\"name\":\"failover\",\"capabilities\":[\"failover\"],\"max_concurrency\":1}");
		assertThat(registered.status()).as("%s", registered).isEqualTo(201);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		ConfigurableApplicationContext nodeA = startNode();
		try (SdkAgents agents = new SdkAgents(this.port)) {
			agents.start(agents.builder(registered.field("id"), registered.field("token"), (context) -> {
				runs.incrementAndGet();
				running.countDown();
				release.await();
				return "moved";
			}, "failover")
				.serverUris(URI.create("ws://localhost:" + port(nodeA) + "/ws"),
						URI.create("ws://localhost:" + this.port + "/ws")));
			String task = this.api.post("/api/tasks", "{\"title\":\"failover\",\"category\":\"failover\"}").field("id");
			assertThat(running.await(30, TimeUnit.SECONDS)).as("the handler started").isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> "in_progress".equals(status(task)));
			long epoch = this.api.get("/api/tasks/" + task).json().path("lease_epoch").asLong();

			nodeA.close();
			release.countDown();

			await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(status(task)));
			Response done = this.api.get("/api/tasks/" + task);
			assertThat(done.field("result")).isEqualTo("moved");
			assertThat(done.json().get("attempts").asInt()).isEqualTo(1);
			assertThat(done.json().path("lease_epoch").asLong()).as("lease epoch").isEqualTo(epoch);
			assertThat(this.api.get("/api/tasks/" + task + "/events").json().findValuesAsString("to"))
				.containsOnlyOnce("completed");
			assertThat(runs).as("handler executions").hasValue(1);
		}
		finally {
			nodeA.close();
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

	private String status(String task) {
		return this.api.get("/api/tasks/" + task).field("status");
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

}
