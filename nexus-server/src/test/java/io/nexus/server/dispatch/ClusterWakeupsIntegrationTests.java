package io.nexus.server.dispatch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on one PostgreSQL schema: this test's server (node A) and a second one
 * started here (node B). Dispatch rounds are a minute apart on both, so a task created on
 * A reaches an agent on B within seconds only through a wake-up.
 */
@PostgresDatabase
@TestPropertySource(properties = "nexus.dispatch.reaper-interval=60s")
class ClusterWakeupsIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private Environment environment;

	@Autowired
	private ClusterWakeups wakeups;

	@TempDir
	Path dataDir;

	@Test
	void aTaskCreatedOnOneNodeReachesAnAgentOnAnotherAtOnce() {
		try (ConfigurableApplicationContext nodeB = startNode(true)) {
			ClusterWakeups wakeupsB = nodeB.getBean(ClusterWakeups.class);
			await().until(wakeupsB::isListening);
			String[] agent = registerAgent("remote", "remote-work");
			try (RawAgent socket = RawAgent.register(port(nodeB), agent[0], agent[1])) {
				long sent = this.wakeups.sent();
				String task = createTask("{\"title\":\"across\",\"category\":\"remote-work\"}");
				assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(task);
				assertThat(this.wakeups.sent()).isGreaterThan(sent);
				assertThat(wakeupsB.received()).isPositive();
			}
		}
	}

	@Test
	void withoutWakeUpsTheOtherNodeWaitsForItsRound() {
		try (ConfigurableApplicationContext nodeB = startNode(false)) {
			assertThat(nodeB.getBean(ClusterWakeups.class).channel()).isNull();
			String[] agent = registerAgent("deaf", "deaf-work");
			try (RawAgent socket = RawAgent.register(port(nodeB), agent[0], agent[1])) {
				// the registration's own round on node B (woken when the agent's row
				// commits)
				// must be over before the task exists, or it would find the task
				await().atMost(Duration.ofSeconds(10))
					.until(() -> this.api.get("/api/agents/" + agent[0]).json().get("online").asBoolean());
				String task = createTask("{\"title\":\"unheard\",\"category\":\"deaf-work\"}");
				await().during(Duration.ofSeconds(3))
					.atMost(Duration.ofSeconds(5))
					.until(() -> "queued".equals(this.api.get("/api/tasks/" + task).field("status")));
			}
		}
	}

	@Test
	void theListenerReconnectsAfterItsConnectionIsKilled() {
		try (ConfigurableApplicationContext nodeB = startNode(true)) {
			ClusterWakeups wakeupsB = nodeB.getBean(ClusterWakeups.class);
			await().until(wakeupsB::isListening);
			List<Integer> before = listenerPids(wakeupsB);
			assertThat(before).hasSize(1);
			this.jdbc.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?")
				.param(wakeupsB.applicationName())
				.query()
				.listOfRows();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				List<Integer> now = listenerPids(wakeupsB);
				return wakeupsB.isListening() && now.size() == 1 && !now.equals(before);
			});
			String[] agent = registerAgent("revived", "revived-work");
			try (RawAgent socket = RawAgent.register(port(nodeB), agent[0], agent[1])) {
				long received = wakeupsB.received();
				String task = createTask("{\"title\":\"after the cut\",\"category\":\"revived-work\"}");
				assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(task);
				assertThat(wakeupsB.received()).isGreaterThan(received);
			}
		}
	}

	@Test
	void agentMessagesReachAgentsConnectedToTheOtherNode() {
		try (ConfigurableApplicationContext nodeB = startNode(true)) {
			await().until(nodeB.getBean(ClusterWakeups.class)::isListening);
			String[] listener = registerAgent("listener", "chat");
			String[] talker = registerAgent("talker", "talk");
			try (RawAgent onB = RawAgent.register(port(nodeB), listener[0], listener[1]);
					RawAgent onA = RawAgent.register(this.port, talker[0], talker[1])) {
				onA.send("{\"type\":\"message\",\"id\":\"m1\",\"to_agent\":\"" + listener[0]
						+ "\",\"body\":{\"text\":\"hello across\"}}");
				assertThat(onA.next("ack").get("id").asString()).isEqualTo("m1");
				JsonNode direct = onB.next("message");
				assertThat(direct.get("from_agent").asString()).isEqualTo(talker[0]);
				assertThat(direct.get("body").get("text").asString()).isEqualTo("hello across");
				onA.send("{\"type\":\"message\",\"to_capability\":\"chat\",\"body\":{\"text\":\"to all\"}}");
				assertThat(onB.next("message").get("body").get("text").asString()).isEqualTo("to all");
				String big = "x".repeat(ClusterWakeups.MAX_RELAYED_BYTES);
				onA.send("{\"type\":\"message\",\"id\":\"m2\",\"to_agent\":\"" + listener[0] + "\",\"body\":\"" + big
						+ "\"}");
				JsonNode refused = onA.next("error");
				assertThat(refused.get("id").asString()).isEqualTo("m2");
				assertThat(refused.get("code").asString()).isEqualTo("message_too_large");
			}
		}
	}

	private List<Integer> listenerPids(ClusterWakeups node) {
		return this.jdbc.sql("SELECT pid FROM pg_stat_activity WHERE application_name = ?")
			.param(node.applicationName())
			.query(Integer.class)
			.list();
	}

	private ConfigurableApplicationContext startNode(boolean wakeups) {
		return new SpringApplicationBuilder(NexusApplication.class).run("--server.port=0",
				"--server.shutdown=immediate", "--NEXUS_DATA_DIR=" + this.dataDir,
				"--nexus.security.admin-password=" + ADMIN_PASSWORD,
				"--spring.datasource.url=" + this.environment.getProperty("spring.datasource.url"),
				"--spring.datasource.username=" + this.environment.getProperty("spring.datasource.username"),
				"--spring.datasource.password=" + this.environment.getProperty("spring.datasource.password"),
				"--spring.flyway.schemas=" + this.environment.getProperty("spring.flyway.schemas"),
				"--spring.datasource.hikari.maximum-pool-size=4", "--spring.datasource.hikari.minimum-idle=0",
				"--nexus.dispatch.reaper-interval=60s", "--nexus.dispatch.cluster-wakeups=" + wakeups);
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private String[] registerAgent(String name, String capability) {
		Response response = this.api.post("/api/agents",
				"{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability + "\"]}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
