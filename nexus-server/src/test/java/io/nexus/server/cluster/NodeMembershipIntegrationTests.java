package io.nexus.server.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.NexusApplication;
import io.nexus.server.dispatch.AgentConnections;
import io.nexus.server.dispatch.ConnectedAgent;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.PostgresDatabase;
import io.nexus.server.support.RawAgent;
import io.nexus.server.support.TcpProxy;
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
 * Two nodes on one PostgreSQL schema: this test's server (node A) and a second one (node
 * B) started here. Heartbeats, node timeout and reconnect grace are short, so that a dead
 * node is found and its agents' tasks are taken back within seconds.
 */
@PostgresDatabase
@TestPropertySource(properties = { "nexus.cluster.heartbeat-interval=500ms", "nexus.cluster.node-timeout=3s",
		"nexus.dispatch.reconnect-grace=4s", "nexus.dispatch.reaper-interval=500ms" })
class NodeMembershipIntegrationTests extends ApiIntegrationTest {

	private static final Duration GRACE = Duration.ofSeconds(4);

	private static final Duration NODE_TIMEOUT = Duration.ofSeconds(3);

	@Autowired
	private Environment environment;

	@Autowired
	private NodeMembership membership;

	@TempDir
	Path dataDir;

	@Test
	void aStartingNodeLeavesTheAgentsAndTasksOfALiveNodeAlone() {
		String[] agent = registerAgent("stays", "stay-work");
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("stay-work");
			long epoch = accept(socket, task);
			try (ConfigurableApplicationContext nodeB = startNode(databaseUrl())) {
				String nodeB_id = nodeB.getBean(NodeMembership.class).nodeId();
				JsonNode nodes = this.api.get("/api/nodes").json().get("items");
				assertThat(find(nodes, nodeB_id).get("state").asString()).isEqualTo("up");
				JsonNode self = find(nodes, this.membership.nodeId());
				assertThat(self.get("state").asString()).isEqualTo("up");
				assertThat(self.get("self").asBoolean()).isTrue();
				assertThat(self.get("agents").asLong()).isEqualTo(1);
				// longer than the node timeout and the reconnect grace together
				await().during(NODE_TIMEOUT.plus(GRACE).plusSeconds(1))
					.atMost(NODE_TIMEOUT.plus(GRACE).plusSeconds(5))
					.until(() -> agentNode(agent[0]).equals(this.membership.nodeId())
							&& "in_progress".equals(this.api.get("/api/tasks/" + task).field("status"))
							&& this.api.get("/api/tasks/" + task).json().get("lease_epoch").asLong() == epoch);
			}
		}
	}

	@Test
	void theTasksOfAKilledNodesAgentsAreRunAgainByTheSurvivor() throws IOException {
		try (TcpProxy proxy = new TcpProxy("localhost", postgresPort())) {
			proxy.start();
			String[] doomed = registerAgent("doomed", "kill-work");
			String[] survivor = registerAgent("survivor", "kill-work");
			List<String> executions = new ArrayList<>();
			try (ConfigurableApplicationContext nodeB = startNode(
					databaseUrl().replace(":" + postgresPort() + "/", ":" + proxy.port() + "/"),
					"--spring.datasource.hikari.connection-timeout=1000")) {
				String nodeB_id = nodeB.getBean(NodeMembership.class).nodeId();
				String task;
				try (RawAgent onB = RawAgent.register(port(nodeB), doomed[0], doomed[1])) {
					task = createTask("kill-work");
					accept(onB, task);
					executions.add(doomed[0]);
					// node B stops at once, as with kill -9: no heartbeat, no database,
					// and
					// its agent's connection is gone with it
					proxy.stop();
					onB.kill();
				}
				await().atMost(NODE_TIMEOUT.plusSeconds(5))
					.until(() -> "dead".equals(
							find(this.api.get("/api/nodes").json().get("items"), nodeB_id).get("state").asString()));
				JsonNode lost = this.api.get("/api/agents/" + doomed[0]).json();
				assertThat(lost.get("online").asBoolean()).isFalse();
				assertThat(lost.get("status").asString()).isEqualTo("offline");
				try (RawAgent onA = RawAgent.register(this.port, survivor[0], survivor[1])) {
					await().atMost(GRACE.plusSeconds(20))
						.until(() -> survivor[0].equals(this.api.get("/api/tasks/" + task).field("assigned_agent_id")));
					long epoch = accept(onA, task);
					executions.add(survivor[0]);
					onA.send(frame("task_complete", "done", task, epoch, ",\"result\":{\"ok\":true}"));
					ackOf(onA, "done");
				}
				JsonNode finished = this.api.get("/api/tasks/" + task).json();
				assertThat(finished.get("status").asString()).isEqualTo("completed");
				assertThat(finished.get("attempts").asInt()).isEqualTo(2);
				// run by the agent that died with its node, then once more by the
				// survivor
				assertThat(executions).containsExactly(doomed[0], survivor[0]);
			}
		}
	}

	@Test
	void aNodeStoppedGracefullyHandsItsAgentsRunningTasksToAnotherNode() {
		String[] agent = registerAgent("mover", "move-work");
		ConfigurableApplicationContext nodeB = startNode(databaseUrl());
		String nodeB_id = nodeB.getBean(NodeMembership.class).nodeId();
		String task;
		long epoch;
		int executions = 0;
		try (RawAgent onB = RawAgent.register(port(nodeB), agent[0], agent[1])) {
			task = createTask("move-work");
			epoch = accept(onB, task);
			executions++;
			nodeB.close();
			assertThat(onB.awaitClose()).isEqualTo(4503);
		}
		JsonNode released = this.api.get("/api/agents/" + agent[0]).json();
		assertThat(released.get("online").asBoolean()).isFalse();
		assertThat(find(this.api.get("/api/nodes").json().get("items"), nodeB_id).get("state").asString())
			.isEqualTo("stopped");
		try (RawAgent onA = RawAgent.connect(this.port)) {
			onA.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agent[0] + "\",\"token\":\"" + agent[1]
					+ "\",\"running_tasks\":[{\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch + "}]}");
			JsonNode registered = onA.next("registered");
			assertThat(registered.get("resumed_tasks")).hasSize(1);
			assertThat(registered.get("resumed_tasks").get(0).get("task_id").asString()).isEqualTo(task);
			assertThat(registered.get("resumed_tasks").get(0).get("lease_epoch").asLong()).isEqualTo(epoch);
			onA.send(frame("task_complete", "done", task, epoch, ",\"result\":{\"moved\":true}"));
			ackOf(onA, "done");
		}
		JsonNode finished = this.api.get("/api/tasks/" + task).json();
		assertThat(finished.get("status").asString()).isEqualTo("completed");
		assertThat(finished.get("lease_epoch").asLong()).isEqualTo(epoch);
		// dispatched once, run once: the restart re-ran nothing
		assertThat(finished.get("attempts").asInt()).isEqualTo(1);
		assertThat(executions).isEqualTo(1);
	}

	@Test
	void cancelsAndOperatorChangesReachAnAgentOnTheOtherNode() {
		String[] agent = registerAgent("remote", "far-work");
		try (ConfigurableApplicationContext nodeB = startNode(databaseUrl());
				RawAgent onB = RawAgent.register(port(nodeB), agent[0], agent[1])) {
			AgentConnections connectionsB = nodeB.getBean(AgentConnections.class);
			String task = createTask("far-work");
			long epoch = accept(onB, task);
			Response cancelled = this.api.post("/api/tasks/" + task + "/cancel", "{\"reason\":\"not needed\"}");
			assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
			JsonNode cancel = onB.next("task_cancel");
			assertThat(cancel.get("task_id").asString()).isEqualTo(task);
			assertThat(cancel.get("lease_epoch").asLong()).isEqualTo(epoch);
			// the slot on node B is free again: the next task reaches the agent
			String next = createTask("far-work");
			assertThat(onB.next("task_assigned").get("task_id").asString()).isEqualTo(next);
			assertThat(this.api.post("/api/agents/" + agent[0] + "/pause", "").status()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> connectionsB.get(new io.nexus.server.agents.AgentId(agent[0]))
					.map(ConnectedAgent::agent)
					.map((current) -> current.status() == AgentStatus.PAUSED)
					.orElse(false));
			assertThat(this.api.post("/api/agents/" + agent[0] + "/resume", "").status()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> connectionsB.get(new io.nexus.server.agents.AgentId(agent[0]))
					.map((current) -> current.agent().status().acceptsNewWork())
					.orElse(false));
		}
	}

	@Test
	void aHungAgentOnTheOtherNodeIsToldItsTaskTimedOutAndGetsWorkAgain() {
		// one slot: while the hung task held it, nothing else could reach the agent
		Response created = this.api.post("/api/agents",
				"{\"name\":\"hung\",\"capabilities\":[\"hang-work\"],\"max_concurrency\":1}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String[] agent = { created.field("id"), created.field("token") };
		try (ConfigurableApplicationContext nodeB = startNode(databaseUrl());
				RawAgent onB = RawAgent.register(port(nodeB), agent[0], agent[1])) {
			Response response = this.api.post("/api/tasks",
					"{\"title\":\"hangs\",\"category\":\"hang-work\",\"timeout_seconds\":1,\"max_attempts\":1}");
			assertThat(response.status()).as(response.body()).isEqualTo(201);
			String hung = response.field("id");
			long epoch = accept(onB, hung);
			// the agent never answers; whichever node's reaper ends the attempt, the
			// agent on node B hears of it and its slot is free again
			JsonNode cancel = onB.next("task_cancel");
			assertThat(cancel.get("task_id").asString()).isEqualTo(hung);
			assertThat(cancel.get("lease_epoch").asLong()).isEqualTo(epoch);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "failed".equals(this.api.get("/api/tasks/" + hung).field("status")));
			String next = createTask("hang-work");
			assertThat(onB.next("task_assigned").get("task_id").asString()).isEqualTo(next);
			// a late result of the timed-out attempt is refused
			onB.send(frame("task_complete", "late", hung, epoch, ",\"result\":{\"late\":true}"));
			JsonNode refused = onB.next((frame) -> "error".equals(frame.path("type").asString()),
					"the refusal of the late result");
			assertThat(refused.toString()).contains("stale_lease");
		}
	}

	@Test
	void anEmergencyStopThroughOneNodeHaltsAndHoldsAnAgentOnTheOther() {
		String[] agent = registerAgent("stopped-far", "estop-work");
		try (ConfigurableApplicationContext nodeB = startNode(databaseUrl());
				RawAgent onB = RawAgent.register(port(nodeB), agent[0], agent[1])) {
			ApiClient apiB = new ApiClient(port(nodeB)).login("admin", ADMIN_PASSWORD);
			String running = createTask("estop-work");
			long epoch = accept(onB, running);

			long asked = System.nanoTime();
			Response stopped = this.api.post("/api/fleet/stop", "{\"mode\":\"halt\",\"reason\":\"drill\"}");
			assertThat(stopped.status()).as(stopped.body()).isEqualTo(201);
			try {
				JsonNode cancel = onB.next("task_cancel");
				long cancelledAfter = Duration.ofNanos(System.nanoTime() - asked).toMillis();
				assertThat(cancel.get("task_id").asString()).isEqualTo(running);
				assertThat(cancel.get("lease_epoch").asLong()).isEqualTo(epoch);
				assertThat(cancel.get("reason").asString()).isEqualTo("emergency_stop");
				// node B holds new work as well: its own dispatch and "why waiting" know
				String held = createTask("estop-work");
				await().atMost(Duration.ofSeconds(2))
					.until(() -> String.valueOf(apiB.get("/api/tasks/" + held).field("waiting_reason"))
						.startsWith("held by emergency stop " + stopped.field("id")));
				long heldAfter = Duration.ofNanos(System.nanoTime() - asked).toMillis();
				System.out.printf("emergency stop across nodes: task_cancel on node B after %d ms, hold seen by node B"
						+ " after %d ms%n", cancelledAfter, heldAfter);
				assertThat(this.api.post("/api/fleet/resume", "{}").status()).isEqualTo(200);
				assertThat(onB.next("task_assigned").get("task_id").asString()).isEqualTo(held);
			}
			finally {
				this.api.post("/api/fleet/resume", "{}");
			}
		}
	}

	@Test
	void aQuarantineThroughOneNodeHoldsAnAgentOnTheOtherUntilReleased() {
		String[] agent = registerAgent("quarantined-far", "far-quarantine");
		try (ConfigurableApplicationContext nodeB = startNode(databaseUrl());
				RawAgent onB = RawAgent.register(port(nodeB), agent[0], agent[1])) {
			ApiClient apiB = new ApiClient(port(nodeB)).login("admin", ADMIN_PASSWORD);
			Response quarantined = this.api.post("/api/agents/" + agent[0] + "/quarantine",
					"{\"reason\":\"drill across nodes\"}");
			assertThat(quarantined.status()).as(quarantined.body()).isEqualTo(200);
			// node B, which holds the agent's connection, holds new work back and says
			// why
			String held = createTask("far-quarantine");
			await().atMost(Duration.ofSeconds(2))
				.untilAsserted(() -> assertThat(apiB.get("/api/tasks/" + held).field("waiting_reason"))
					.isEqualTo("all 1 eligible agent(s) are in quarantine (agent " + agent[0]
							+ ": quarantined by admin: drill across nodes)"));
			assertThat(apiB.get("/api/agents/" + agent[0]).json().path("quarantine").path("state").asString())
				.isEqualTo("held");
			assertThat(this.api.post("/api/agents/" + agent[0] + "/release", "{}").status()).isEqualTo(200);
			assertThat(onB.next("task_assigned").get("task_id").asString()).isEqualTo(held);
		}
	}

	@Test
	void aDashboardPageOnOneNodeHearsOfATaskCompletedThroughTheOther() throws Exception {
		String[] agent = registerAgent("finisher", "live-work");
		try (ConfigurableApplicationContext nodeB = startNode(databaseUrl());
				RawAgent onA = RawAgent.register(this.port, agent[0], agent[1])) {
			HttpClient http = HttpClient.newHttpClient();
			String cookie = dashboardLogin(http, port(nodeB));
			LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
			HttpResponse<Stream<String>> stream = http
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port(nodeB) + "/dashboard/events"))
					.header("Accept", "text/event-stream")
					.header("Cookie", cookie)
					.GET()
					.build(), HttpResponse.BodyHandlers.ofLines());
			assertThat(stream.statusCode()).isEqualTo(200);
			Thread reader = new Thread(() -> stream.body().forEach(lines::add), "sse-reader");
			reader.setDaemon(true);
			reader.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("data:connected"));
			String task = createTask("live-work");
			long epoch = accept(onA, task);
			onA.send(frame("task_complete", "done", task, epoch, ",\"result\":{\"ok\":true}"));
			ackOf(onA, "done");
			// node B changed nothing itself: only node A's hints can make its page
			// refresh
			await().atMost(Duration.ofSeconds(2))
				.until(() -> lines.stream().anyMatch((line) -> line.startsWith("data:") && line.contains("tasks")));
			stream.body().close();
		}
	}

	private String dashboardLogin(HttpClient http, int port) throws Exception {
		HttpResponse<String> page = http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login")).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		String cookie = sessionCookie(page, null);
		Matcher csrf = Pattern.compile("name=\"_csrf\"\\s+(?:value|content)=\"([^\"]+)\"").matcher(page.body());
		assertThat(csrf.find()).isTrue();
		String form = "username=admin&password=" + URLEncoder.encode(ADMIN_PASSWORD, StandardCharsets.UTF_8) + "&_csrf="
				+ URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
		HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Cookie", cookie)
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(login.statusCode()).isEqualTo(302);
		return sessionCookie(login, cookie);
	}

	private static String sessionCookie(HttpResponse<String> response, String current) {
		String cookie = current;
		for (String header : response.headers().allValues("Set-Cookie")) {
			cookie = header.substring(0, header.indexOf(';'));
		}
		return cookie;
	}

	private long accept(RawAgent socket, String task) {
		JsonNode assigned = socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
				&& task.equals(frame.path("task_id").asString()), "task_assigned for " + task);
		long epoch = assigned.get("lease_epoch").asLong();
		socket.send(frame("task_accept", "acc", task, epoch, ""));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "in_progress".equals(this.api.get("/api/tasks/" + task).field("status")));
		return epoch;
	}

	private static void ackOf(RawAgent socket, String id) {
		socket.next((frame) -> "ack".equals(frame.path("type").asString()) && id.equals(frame.path("id").asString()),
				"the ack of " + id);
	}

	private static String frame(String type, String id, String task, long epoch, String extra) {
		return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch
				+ extra + "}";
	}

	private String agentNode(String agentId) {
		return this.jdbc.sql("SELECT node_id FROM agents WHERE id = ?")
			.param(agentId)
			.query(String.class)
			.optional()
			.orElse("");
	}

	private static JsonNode find(JsonNode nodes, String id) {
		for (JsonNode node : nodes) {
			if (id.equals(node.get("id").asString())) {
				return node;
			}
		}
		throw new AssertionError("node " + id + " is not listed: " + nodes);
	}

	private String databaseUrl() {
		return this.environment.getProperty("spring.datasource.url");
	}

	private int postgresPort() {
		java.net.URI uri = java.net.URI.create(databaseUrl().substring("jdbc:".length()));
		return (uri.getPort() > 0) ? uri.getPort() : 5432;
	}

	private ConfigurableApplicationContext startNode(String url, String... extra) {
		List<String> args = new ArrayList<>(
				List.of("--server.port=0", "--server.shutdown=immediate", "--NEXUS_DATA_DIR=" + this.dataDir,
						"--nexus.security.admin-password=" + ADMIN_PASSWORD, "--spring.datasource.url=" + url,
						"--spring.datasource.username=" + this.environment.getProperty("spring.datasource.username"),
						"--spring.datasource.password=" + this.environment.getProperty("spring.datasource.password"),
						"--spring.flyway.schemas=" + this.environment.getProperty("spring.flyway.schemas"),
						"--spring.datasource.hikari.maximum-pool-size=4", "--spring.datasource.hikari.minimum-idle=0",
						"--nexus.cluster.heartbeat-interval=500ms", "--nexus.cluster.node-timeout=3s",
						"--nexus.dispatch.reconnect-grace=4s", "--nexus.dispatch.reaper-interval=500ms"));
		args.addAll(List.of(extra));
		return new SpringApplicationBuilder(NexusApplication.class).run(args.toArray(String[]::new));
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

	private String createTask(String category) {
		Response response = this.api.post("/api/tasks",
				"{\"title\":\"" + category + "\",\"category\":\"" + category + "\"}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
