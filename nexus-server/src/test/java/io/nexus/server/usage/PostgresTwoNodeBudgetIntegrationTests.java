package io.nexus.server.usage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

/**
 * One scope budget, two nodes on one PostgreSQL, an agent on each reporting usage at the
 * same moment: the budget's count passes its limit by at most the one report that crossed
 * it, and it equals what the tasks were charged (no report counted twice, none lost).
 */
@PostgresDatabase
class PostgresTwoNodeBudgetIntegrationTests extends ApiIntegrationTest {

	private static final int TASKS_PER_AGENT = 8;

	private static final int REPORTS_PER_TASK = 4;

	private static final int TOKENS = 30;

	private static final int LIMIT = 1_000;

	@Autowired
	private Environment environment;

	@TempDir
	Path dataDir;

	@Test
	void reportsOnTwoNodesAtOnceNeverPassAScopeBudgetByMoreThanOneReport() throws Exception {
		Response budget = this.api.post("/api/budgets", "{\"name\":\"two-node-budget\",\"scope\":\"category\","
				+ "\"scope_value\":\"bud-two\",\"period\":\"day\",\"max_tokens\":" + LIMIT + "}");
		assertThat(budget.status()).as(budget.body()).isEqualTo(201);
		// what other tests of the shared server left queued would go to these agents
		for (JsonNode task : this.api.get("/api/tasks?status=queued&limit=500").json().get("items")) {
			this.api.post("/api/tasks/" + task.get("id").asString() + "/cancel", "{}");
		}
		String[] onA = registerAgent("bud-two-a");
		String[] onB = registerAgent("bud-two-b");
		try (ConfigurableApplicationContext nodeB = startNode();
				RawAgent agentA = RawAgent.register(this.port, onA[0], onA[1]);
				RawAgent agentB = RawAgent.register(port(nodeB), onB[0], onB[1])) {
			Set<String> tasks = new HashSet<>();
			for (int i = 0; i < 2 * TASKS_PER_AGENT; i++) {
				Response created = this.api.post("/api/tasks", "{\"title\":\"two\",\"category\":\"bud-two\"}");
				assertThat(created.status()).as(created.body()).isEqualTo(201);
				tasks.add(created.field("id"));
			}
			List<JsonNode> leasesA = assigned(agentA, tasks);
			List<JsonNode> leasesB = assigned(agentB, tasks);
			CyclicBarrier together = new CyclicBarrier(2);
			ExecutorService threads = Executors.newFixedThreadPool(2);
			int acknowledged;
			try {
				Future<Integer> reportsA = threads.submit(() -> report(agentA, leasesA, together));
				Future<Integer> reportsB = threads.submit(() -> report(agentB, leasesB, together));
				acknowledged = reportsA.get() + reportsB.get();
			}
			finally {
				threads.shutdownNow();
			}

			long counted = this.jdbc.sql("SELECT tokens FROM budget_spend WHERE budget_id = :id")
				.param("id", budget.field("id"))
				.query(Long.class)
				.single();
			long charged = this.jdbc
				.sql("SELECT COALESCE(SUM(u.input_tokens + u.output_tokens), 0) FROM task_usage u "
						+ "JOIN tasks t ON t.id = u.task_id WHERE t.category = 'bud-two'")
				.query(Long.class)
				.single();
			assertThat(counted).as("spent, passed by at most the one report that crossed it")
				.isGreaterThanOrEqualTo(LIMIT)
				.isLessThan(LIMIT + TOKENS);
			assertThat(charged).as("every counted report is on its task, once").isEqualTo(counted);
			assertThat((long) acknowledged * TOKENS).as("acknowledged reports are the counted ones").isEqualTo(counted);
			assertThat(this.api.get("/api/budgets/" + budget.field("id")).json().get("spent").asBoolean()).isTrue();
		}
	}

	/**
	 * Sends every report of an agent as soon as the other agent is ready too, then reads
	 * the answer to each.
	 * @return how many were acknowledged (counted); the others were refused
	 */
	private static int report(RawAgent agent, List<JsonNode> leases, CyclicBarrier together) {
		Set<String> waiting = new HashSet<>();
		try {
			together.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		for (int round = 0; round < REPORTS_PER_TASK; round++) {
			for (JsonNode lease : leases) {
				String id = "r" + round + "-" + lease.get("task_id").asString();
				waiting.add(id);
				agent.send("{\"type\":\"task_progress\",\"id\":\"" + id + "\",\"task_id\":\""
						+ lease.get("task_id").asString() + "\",\"lease_epoch\":" + lease.get("lease_epoch").asLong()
						+ ",\"usage\":{\"input_tokens\":" + TOKENS + "}}");
			}
		}
		int acknowledged = 0;
		while (!waiting.isEmpty()) {
			JsonNode answer = agent.next((frame) -> waiting.contains(frame.path("id").asString(""))
					&& Set.of("ack", "error").contains(frame.path("type").asString()), "an answer to a report");
			waiting.remove(answer.get("id").asString());
			acknowledged += answer.get("type").asString().equals("ack") ? 1 : 0;
		}
		return acknowledged;
	}

	private static List<JsonNode> assigned(RawAgent agent, Set<String> tasks) {
		List<JsonNode> leases = new ArrayList<>();
		for (int i = 0; i < TASKS_PER_AGENT; i++) {
			leases.add(agent.next(
					(frame) -> frame.path("type").asString().equals("task_assigned")
							&& tasks.contains(frame.path("task_id").asString()),
					"the assignment of a task of this test"));
		}
		return leases;
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

	private String[] registerAgent(String name) {
		Response response = this.api.post("/api/agents", "{\"name\":\"" + name
				+ "\",\"capabilities\":[\"bud-two\"],\"max_concurrency\":" + TASKS_PER_AGENT + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

}
