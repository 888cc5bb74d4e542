package io.nexus.server.usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.nexus.protocol.frames.UsageReport;
import io.nexus.server.agents.AgentId;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import io.nexus.server.tasks.Lease;
import io.nexus.server.tasks.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Usage reports on one node: stored and summed, refused whole when out of bounds or under
 * a stale lease; a task's own budget stops it; a spent scope budget refuses further
 * reports, holds new tasks with a reason and releases them when raised; concurrent
 * charges pass a budget by at most one report.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class UsageIntegrationTests extends ApiIntegrationTest {

	@Autowired
	UsageLedger ledger;

	@Autowired
	TransactionTemplate transaction;

	@AfterEach
	void deleteBudgets() {
		for (JsonNode budget : this.api.get("/api/budgets").json().get("items")) {
			this.api.delete("/api/budgets/" + budget.get("id").asString());
		}
	}

	@Test
	void storesAndSumsUsageAndRefusesBadReportsWhole() {
		String[] agent = registerAgent("use-report", 2);
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"spend\",\"category\":\"use-a\",\"fairness_key\":\"team-u\"}");
			JsonNode assigned = socket.next("task_assigned");
			long epoch = assigned.get("lease_epoch").asLong();
			socket.send(frame("task_accept", "a1", task, epoch, ""));
			socket.next("ack");
			socket.send(frame("task_progress", "p1", task, epoch, ",\"progress\":10,\"usage\":{\"input_tokens\":100,"
					+ "\"output_tokens\":50,\"cost\":0.25,\"currency\":\"EUR\",\"model\":\"model-u1\"}"));
			assertThat(socket.next("ack").get("id").asString()).isEqualTo("p1");

			// out of bounds, negative, not a number: refused whole, progress included
			for (String bad : List.of("{\"input_tokens\":-1}", "{\"output_tokens\":1000000001}", "{\"cost\":-0.5}",
					"{\"cost\":2000000}", "{\"currency\":\"euro\"}", "{\"input_tokens\":\"many\"}",
					"{\"model\":\"" + "m".repeat(129) + "\"}")) {
				socket.send(frame("task_progress", "bad", task, epoch, ",\"progress\":90,\"usage\":" + bad));
				JsonNode error = socket.next("error");
				assertThat(error.get("code").asString()).as(bad).isEqualTo("invalid_frame");
			}
			// a stale epoch is refused like any stale report
			socket.send(frame("task_progress", "stale", task, epoch + 5, ",\"usage\":{\"input_tokens\":7}"));
			assertThat(socket.next("error").get("code").asString()).isEqualTo("stale_lease");
			JsonNode stored = this.api.get("/api/tasks/" + task).json();
			assertThat(stored.get("progress").asDouble()).isEqualTo(10.0);
			assertThat(stored.get("usage").get("input_tokens").asLong()).isEqualTo(100);

			socket.send(frame("task_complete", "c1", task, epoch,
					",\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"cost\":0.5,\"currency\":\"EUR\"}"));
			socket.next("ack");
			// a resent completion is not counted again
			socket.send(frame("task_complete", "c2", task, epoch,
					",\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"cost\":0.5,\"currency\":\"EUR\"}"));
			socket.next("ack");
			JsonNode usage = this.api.get("/api/tasks/" + task).json().get("usage");
			assertThat(usage.get("input_tokens").asLong()).isEqualTo(101);
			assertThat(usage.get("output_tokens").asLong()).isEqualTo(52);
			assertThat(usage.get("cost").decimalValue()).isEqualByComparingTo("0.75");
			assertThat(usage.get("currency").asString()).isEqualTo("EUR");
			assertThat(usage.get("model").asString()).isEqualTo("model-u1");
			assertThat(usage.get("reports").asInt()).isEqualTo(2);
		}
		JsonNode byModel = this.api.get("/api/usage?group_by=model&range=1h").json();
		JsonNode group = group(byModel, "model-u1");
		assertThat(group.get("input_tokens").asLong()).isEqualTo(100);
		assertThat(group.get("cost").get("EUR").decimalValue()).isEqualByComparingTo("0.25");
		assertThat(byModel.get("series").size()).isGreaterThanOrEqualTo(1);
		JsonNode team = group(this.api.get("/api/usage?group_by=fairness_key&range=24h&bucket=hour").json(), "team-u");
		assertThat(team.get("input_tokens").asLong()).isEqualTo(101);
		assertThat(team.get("output_tokens").asLong()).isEqualTo(52);
		assertThat(team.get("cost").get("EUR").decimalValue()).isEqualByComparingTo("0.75");
		assertThat(
				group(this.api.get("/api/usage?group_by=category&range=30d").json(), "use-a").get("reports").asLong())
			.isEqualTo(2);
		for (String bad : List.of("group_by=label", "range=1y", "bucket=minute", "range=30d&bucket=hour")) {
			Response refused = this.api.get("/api/usage?" + bad);
			assertThat(refused.status()).as(bad).isEqualTo(422);
		}
	}

	@Test
	void aTaskPastItsOwnBudgetIsStoppedOnItsAgent() {
		String[] agent = registerAgent("use-own", 2);
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String task = createTask("{\"title\":\"capped\",\"category\":\"use-b\",\"budget\":{\"max_tokens\":100}}");
			long epoch = socket.next("task_assigned").get("lease_epoch").asLong();
			socket.send(frame("task_accept", "a1", task, epoch, ""));
			socket.next("ack");
			socket.send(frame("task_progress", "p1", task, epoch, ",\"usage\":{\"input_tokens\":60}"));
			socket.next("ack");
			socket.send(frame("task_progress", "p2", task, epoch, ",\"usage\":{\"output_tokens\":60}"));
			JsonNode cancel = socket.next("task_cancel");
			assertThat(cancel.get("task_id").asString()).isEqualTo(task);
			assertThat(cancel.get("reason").asString()).startsWith("budget_exceeded");
			JsonNode stored = this.api.get("/api/tasks/" + task).json();
			assertThat(stored.get("status").asString()).isEqualTo("cancelled");
			assertThat(stored.get("status_reason").asString()).startsWith("budget_exceeded");
			assertThat(stored.get("usage").get("output_tokens").asLong()).isEqualTo(60);
			assertThat(stored.get("budget").get("max_tokens").asLong()).isEqualTo(100);
		}
		Response refused = this.api.post("/api/tasks", "{\"title\":\"x\",\"budget\":{}}");
		assertThat(refused.status()).isEqualTo(422);
		assertThat(this.api.post("/api/tasks", "{\"title\":\"x\",\"budget\":{\"max_tokens\":-5}}").status())
			.isBetween(400, 422);
	}

	@Test
	void aBudgetPolicyGivesTheTasksItMatchesABudgetThatIsEnforced() {
		long policies = rows("placement_policies");
		for (String bad : List.of("{\"name\":\"use-nb\",\"match\":\"true\",\"effect\":\"budget\"}",
				"{\"name\":\"use-nb\",\"match\":\"true\",\"effect\":\"deny\",\"budget\":{\"max_tokens\":5}}",
				"{\"name\":\"use-nb\",\"match\":\"true\",\"effect\":\"budget\",\"budget\":{}}")) {
			Response refused = this.api.post("/api/policies", bad);
			assertThat(refused.status()).as(bad).isEqualTo(422);
			assertThat(refused.body()).contains("budget");
		}
		for (String bad : List.of("{\"max_tokens\":-5}", "{\"max_cost\":0.1234567}",
				"{\"max_cost\":1,\"currency\":\"eur\"}", "{\"max_tokens\":5,\"on_exceed\":\"never\"}")) {
			Response refused = this.api.post("/api/policies",
					"{\"name\":\"use-nb\",\"match\":\"true\",\"effect\":\"budget\",\"budget\":" + bad + "}");
			assertThat(refused.status()).as(bad).isBetween(400, 422);
		}
		assertThat(rows("placement_policies")).isEqualTo(policies);
		Response policy = this.api.post("/api/policies",
				"{\"name\":\"use-capped\",\"match\":\"task.category.startsWith('use-p')\",\"effect\":\"budget\","
						+ "\"budget\":{\"max_tokens\":100,\"max_cost\":2,\"currency\":\"EUR\"}}");
		assertThat(policy.status()).as(policy.body()).isEqualTo(201);
		String policyId = policy.field("id");
		assertThat(policy.json().get("budget").get("max_tokens").asLong()).isEqualTo(100);
		try {
			// use-pq is no agent's capability: it stays queued
			String cut = createTask("{\"title\":\"cut\",\"category\":\"use-pq\",\"budget\":{\"max_tokens\":500,"
					+ "\"max_cost\":1.5,\"currency\":\"EUR\",\"on_exceed\":\"approval\"}}");
			JsonNode cutTask = this.api.get("/api/tasks/" + cut).json();
			JsonNode cutBudget = cutTask.get("budget");
			assertThat(cutBudget.get("max_tokens").asLong()).isEqualTo(100);
			assertThat(cutBudget.get("max_cost").decimalValue()).isEqualByComparingTo("1.5");
			assertThat(cutBudget.get("currency").asString()).isEqualTo("EUR");
			assertThat(cutBudget.get("on_exceed").asString()).isEqualTo("cancel");
			assertThat(this.api.get("/api/tasks/" + cut + "/events").json().get(0).get("reason").asString())
				.isEqualTo("created; budget by policy " + policyId + "@1");
			JsonNode free = this.api.get("/api/tasks/" + createTask("{\"title\":\"free\",\"category\":\"use-none\"}"))
				.json()
				.get("budget");
			assertThat(free == null || free.isNull()).as("budget of a task no policy matches").isTrue();
			String[] agent = registerAgent("use-policy", 1);
			try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
				String task = createTask("{\"title\":\"policed\",\"category\":\"use-p\"}");
				assertThat(this.api.get("/api/tasks/" + task).json().get("budget").get("max_tokens").asLong())
					.isEqualTo(100);
				long epoch = socket.next("task_assigned").get("lease_epoch").asLong();
				socket.send(frame("task_accept", "a1", task, epoch, ""));
				socket.next("ack");
				socket.send(frame("task_progress", "p1", task, epoch, ",\"usage\":{\"input_tokens\":101}"));
				assertThat(socket.next("task_cancel").get("reason").asString()).startsWith("budget_exceeded");
				JsonNode stored = this.api.get("/api/tasks/" + task).json();
				assertThat(stored.get("status").asString()).isEqualTo("cancelled");
				assertThat(stored.get("status_reason").asString()).startsWith("budget_exceeded");
			}
		}
		finally {
			this.api.delete("/api/policies/" + policyId);
		}
	}

	@Test
	void aSpentScopeBudgetRefusesReportsAndHoldsNewTasksUntilRaised() {
		Response created = this.api.post("/api/budgets", "{\"name\":\"use-day\",\"scope\":\"category\","
				+ "\"scope_value\":\"use-s\",\"period\":\"day\",\"max_tokens\":100}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String budgetId = created.field("id");
		String[] agent = registerAgent("use-scope", 4);
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String first = createTask("{\"title\":\"first\",\"category\":\"use-s\"}");
			long epoch = socket.next("task_assigned").get("lease_epoch").asLong();
			socket.send(frame("task_progress", "p1", first, epoch, ",\"usage\":{\"input_tokens\":85}"));
			socket.next("ack");
			assertThat(this.api.get("/api/budgets/" + budgetId).json().get("percent_used").asDouble()).isEqualTo(85.0);
			socket.send(frame("task_progress", "p2", first, epoch, ",\"usage\":{\"input_tokens\":30}"));
			socket.next("ack");
			// spent: the next report is refused, counts nothing, and its task is stopped
			socket.send(frame("task_progress", "p3", first, epoch, ",\"usage\":{\"input_tokens\":30}"));
			// the task_cancel (sent on commit) and the error (the answer) come in either
			// order
			Map<String, JsonNode> answers = new HashMap<>();
			for (int i = 0; i < 2; i++) {
				JsonNode answer = socket.next(
						(frame) -> Set.of("error", "task_cancel").contains(frame.path("type").asString()),
						"an error or task_cancel frame");
				answers.put(answer.get("type").asString(), answer);
			}
			assertThat(answers.get("error").get("code").asString()).isEqualTo("budget_exceeded");
			assertThat(answers.get("task_cancel").get("reason").asString()).startsWith("budget_exceeded");
			assertThat(this.api.get("/api/tasks/" + first).json().get("usage").get("input_tokens").asLong())
				.isEqualTo(115);
			JsonNode budget = this.api.get("/api/budgets/" + budgetId).json();
			assertThat(budget.get("used_tokens").asLong()).isEqualTo(115);
			assertThat(budget.get("spent").asBoolean()).isTrue();
			assertThat(this.jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'budget.spent' AND target = :id")
				.param("id", budgetId)
				.query(Long.class)
				.single()).isEqualTo(1);
			assertThat(this.jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'budget.warning' AND target = :id")
				.param("id", budgetId)
				.query(Long.class)
				.single()).isEqualTo(1);

			String second = createTask("{\"title\":\"second\",\"category\":\"use-s\"}");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> String.valueOf(this.api.get("/api/tasks/" + second).field("waiting_reason"))
					.startsWith("budget for category use-s spent until "));
			assertThat(this.api.get("/api/tasks/" + second).field("status")).isEqualTo("queued");

			Response raised = this.api.put("/api/budgets/" + budgetId, "{\"name\":\"use-day\",\"scope\":\"category\","
					+ "\"scope_value\":\"use-s\",\"period\":\"day\",\"max_tokens\":1000}");
			assertThat(raised.status()).as(raised.body()).isEqualTo(200);
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(second);
		}
	}

	/**
	 * The period's reset as the board sees it: the day's count turns into yesterday's
	 * (what midnight does to the current period key), and the held task starts by itself.
	 */
	@Test
	void aSpentDailyBudgetReleasesItsWaitingTasksAtTheReset() {
		Response created = this.api.post("/api/budgets", "{\"name\":\"use-reset\",\"scope\":\"category\","
				+ "\"scope_value\":\"use-r\",\"period\":\"day\",\"max_tokens\":50}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String budgetId = created.field("id");
		String[] agent = registerAgent("use-reset", 4);
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			String first = createTask("{\"title\":\"first\",\"category\":\"use-r\"}");
			long epoch = socket.next("task_assigned").get("lease_epoch").asLong();
			socket.send(frame("task_complete", "c1", first, epoch, ",\"usage\":{\"output_tokens\":60}"));
			socket.next("ack");
			String second = createTask("{\"title\":\"second\",\"category\":\"use-r\"}");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> String.valueOf(this.api.get("/api/tasks/" + second).field("waiting_reason"))
					.startsWith("budget for category use-r spent until "));
			String today = this.api.get("/api/budgets/" + budgetId).field("period_key");
			String yesterday = java.time.LocalDate.parse(today).minusDays(1).toString();
			this.jdbc.sql("UPDATE budget_spend SET period_key = :yesterday WHERE budget_id = :id")
				.param("yesterday", yesterday)
				.param("id", budgetId)
				.update();
			assertThat(socket.next("task_assigned").get("task_id").asString()).isEqualTo(second);
			assertThat(this.api.get("/api/budgets/" + budgetId).json().get("spent").asBoolean()).isFalse();
		}
	}

	@Test
	void badBudgetsAreRefusedNamingTheField() {
		long stored = rows("budgets");
		for (String bad : List.of(
				"{\"name\":\"b\",\"scope\":\"team\",\"scope_value\":\"x\",\"period\":\"day\"," + "\"max_tokens\":1}",
				"{\"name\":\"b\",\"scope\":\"creator\",\"scope_value\":\"x\",\"period\":\"year\",\"max_tokens\":1}",
				"{\"name\":\"b\",\"scope\":\"creator\",\"scope_value\":\"x\",\"period\":\"day\"}",
				"{\"name\":\"b\",\"scope\":\"creator\",\"scope_value\":\"x\",\"period\":\"day\",\"max_cost\":-1}",
				"{\"name\":\"b\",\"scope\":\"creator\",\"scope_value\":\"x\",\"period\":\"day\",\"max_tokens\":5,"
						+ "\"currency\":\"dollars\"}")) {
			Response refused = this.api.post("/api/budgets", bad);
			assertThat(refused.status()).as(bad).isBetween(400, 422);
			assertThat(refused.isProblem()).isTrue();
		}
		assertThat(rows("budgets")).isEqualTo(stored);
	}

	@Test
	void concurrentChargesPassABudgetByAtMostOneReport() throws Exception {
		Response created = this.api.post("/api/budgets", "{\"name\":\"use-race\",\"scope\":\"category\","
				+ "\"scope_value\":\"use-race\",\"period\":\"month\",\"max_tokens\":1000}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String budgetId = created.field("id");
		String[] agent = registerAgent("use-race", 16);
		List<Lease> leases = new ArrayList<>();
		try (RawAgent socket = RawAgent.register(this.port, agent[0], agent[1])) {
			for (int i = 0; i < 16; i++) {
				createTask("{\"title\":\"race " + i + "\",\"category\":\"use-race\"}");
			}
			for (int i = 0; i < 16; i++) {
				JsonNode assigned = socket.next("task_assigned");
				leases.add(new Lease(new TaskId(assigned.get("task_id").asString()), new AgentId(agent[0]),
						assigned.get("lease_epoch").asLong()));
			}
			// 8 reports of 30 tokens on each of 16 tasks, 4 at a time: the budget allows
			// 34
			ExecutorService threads = Executors.newFixedThreadPool(4);
			try {
				List<Future<Charge>> charges = new ArrayList<>();
				for (int round = 0; round < 8; round++) {
					for (Lease lease : leases) {
						charges.add(threads.submit(() -> this.transaction.execute((status) -> this.ledger.charge(lease,
								new UsageReport(30L, null, null, null, null), false))));
					}
				}
				long counted = 0;
				for (Future<Charge> charge : charges) {
					try {
						if (charge.get().outcome() == Charge.Outcome.COUNTED) {
							counted++;
						}
					}
					catch (java.util.concurrent.ExecutionException ex) {
						// a task already stopped: its lease is stale
						assertThat(ex.getCause()).isInstanceOf(io.nexus.server.tasks.StaleLeaseException.class);
					}
				}
				long spent = this.jdbc.sql("SELECT tokens FROM budget_spend WHERE budget_id = :id")
					.param("id", budgetId)
					.query(Long.class)
					.single();
				assertThat(spent).isEqualTo(counted * 30);
				assertThat(spent).isGreaterThanOrEqualTo(1000).isLessThan(1000 + 30);
				long onTasks = this.jdbc
					.sql("SELECT SUM(u.input_tokens) FROM task_usage u JOIN tasks t ON t.id = u.task_id "
							+ "WHERE t.category = 'use-race'")
					.query(Long.class)
					.single();
				assertThat(onTasks).isEqualTo(spent);
			}
			finally {
				threads.shutdownNow();
			}
		}
	}

	private static JsonNode group(JsonNode usage, String key) {
		for (JsonNode group : usage.get("groups")) {
			if (key.equals(group.get("key").asString())) {
				return group;
			}
		}
		throw new AssertionError("no group " + key + " in " + usage);
	}

	private static String frame(String type, String id, String task, long epoch, String more) {
		return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch
				+ more + "}";
	}

	private String[] registerAgent(String name, int concurrency) {
		Response response = this.api.post("/api/agents", "{\"name\":\"" + name
				+ "\",\"capabilities\":[\"use-a\",\"use-b\",\"use-s\",\"use-r\",\"use-race\",\"use-p\"],\"max_concurrency\":"
				+ concurrency + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
