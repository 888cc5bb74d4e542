package io.nexus.server.notifications;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notifications for people over HTTP: who sees an approval request (its approvers, not
 * its creator), operators' notifications for questions, budgets and quarantines (not
 * viewers'), one row per event, read marks per person, paging.
 */
class NotificationIntegrationTests extends ApiIntegrationTest {

	private static final String PASSWORD = "notify-pass-1";

	private ApiClient nora;

	private ApiClient nick;

	private ApiClient vera;

	@BeforeEach
	void people() {
		this.nora = user("ntf-nora", "operator");
		this.nick = user("ntf-nick", "viewer");
		this.vera = user("ntf-vera", "viewer");
	}

	@Test
	void anApprovalRequestNotifiesItsApproversButNotItsCreatorAndIsReadPerPerson() {
		Response created = this.nora.post("/api/tasks", "{\"title\":\"ntf deploy\",\"category\":\"ntf-none\","
				+ "\"approval\":{\"approvers\":{\"roles\":[\"operator\"],\"users\":[\"ntf-nick\"]}}}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String task = created.field("id");

		JsonNode forNick = about(this.nick, task);
		assertThat(forNick.get("kind").asString()).isEqualTo("approval_requested");
		assertThat(forNick.get("title").asString()).isEqualTo("Approval requested: ntf deploy");
		assertThat(forNick.get("read").asBoolean()).isFalse();
		assertThat(aboutOrNull(this.nora, task)).as("the creator may not approve").isNull();
		assertThat(aboutOrNull(this.vera, task)).as("a viewer who is no approver").isNull();
		assertThat(aboutOrNull(this.api, task)).as("admins are not among the approvers").isNull();
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM notifications WHERE task_id = :id")
			.param("id", task)
			.query(Long.class)
			.single()).as("one row for everyone").isEqualTo(1);

		long unread = unread(this.nick);
		Response read = this.nick.post("/api/notifications/" + forNick.get("id").asString() + "/read", "");
		assertThat(read.status()).as(read.body()).isEqualTo(200);
		assertThat(read.json().get("read").asBoolean()).isTrue();
		assertThat(unread(this.nick)).isEqualTo(unread - 1);
		assertThat(this.nick.post("/api/notifications/" + forNick.get("id").asString() + "/read", "").status())
			.as("again")
			.isEqualTo(200);
		assertThat(unread(this.nick)).isEqualTo(unread - 1);
		assertThat(this.nick.get("/api/notifications?unread=true").body()).doesNotContain(task);
		assertThat(about(this.nick, task).get("read").asBoolean()).isTrue();

		Response foreign = this.vera.post("/api/notifications/" + forNick.get("id").asString() + "/read", "");
		assertThat(foreign.status()).as("not meant for vera").isEqualTo(404);
		assertThat(foreign.problemType()).isEqualTo("urn:nexus:problem:notification_not_found");
		assertThat(this.nick.post("/api/notifications/ntf_nothing/read", "").status()).isEqualTo(404);
	}

	@Test
	void questionsBudgetsAndQuarantinesNotifyOperatorsOnceAndViewersNot() {
		assertThat(this.nora.post("/api/notifications/read-all", "").json().get("unread_count").asLong()).isZero();
		Response budget = this.api.post("/api/budgets", "{\"name\":\"ntf-day\",\"scope\":\"category\","
				+ "\"scope_value\":\"ntf-work\",\"period\":\"day\",\"max_tokens\":100}");
		assertThat(budget.status()).as(budget.body()).isEqualTo(201);
		String budgetId = budget.field("id");
		cancelQueuedTasks();
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"ntf-agent\",\"capabilities\":[\"ntf-work\"],\"max_concurrency\":4}");
		String agentId = agent.field("id");
		String task = this.api.post("/api/tasks", "{\"title\":\"ntf work\",\"category\":\"ntf-work\"}").field("id");
		try (RawAgent socket = RawAgent.register(this.port, agentId, agent.field("token"))) {
			// other tests' tasks without requirements may go to this agent too: it has
			// room
			long epoch = socket
				.next((frame) -> frame.path("type").asString().equals("task_assigned")
						&& frame.path("task_id").asString().equals(task), "the assignment of " + task)
				.get("lease_epoch")
				.asLong();
			socket.send(frame("task_accept", "a", task, epoch, ""));
			socket.next("ack");
			socket.send(frame("task_progress", "p1", task, epoch, ",\"usage\":{\"input_tokens\":85}"));
			socket.next("ack");
			socket.send(frame("task_progress", "p2", task, epoch, ",\"usage\":{\"input_tokens\":5}"));
			socket.next("ack");
			socket.send(frame("input_request", "q", task, epoch, ",\"request_id\":\"q1\",\"prompt\":\"Spend more?\""));
			socket.next("ack");
			this.api.post("/api/tasks/" + task + "/input", "{\"answer\":\"yes\"}");
			socket.next("input_response");
			socket.send(frame("task_progress", "p3", task, epoch, ",\"usage\":{\"input_tokens\":20}"));
			socket.next("ack");
		}
		assertThat(this.api.post("/api/agents/" + agentId + "/quarantine", "{\"reason\":\"ntf leak\"}").status())
			.isEqualTo(200);

		List<JsonNode> seen = all(this.nora);
		assertThat(kinds(seen, task, agentId, budgetId)).containsExactlyInAnyOrder("agent_quarantined", "budget_spent",
				"input_requested", "budget_warning");
		assertThat(kinds(all(this.api), task, agentId, budgetId)).hasSize(4);
		assertThat(kinds(all(this.vera), task, agentId, budgetId)).isEmpty();
		assertThat(unread(this.nora)).isEqualTo(4);
		JsonNode question = seen.stream()
			.filter((item) -> item.get("kind").asString().equals("input_requested"))
			.findFirst()
			.orElseThrow();
		assertThat(question.get("detail").asString()).contains("Spend more?").contains(agentId);
		assertThat(question.get("task_id").asString()).isEqualTo(task);

		Response marked = this.nora.post("/api/notifications/read-all", "");
		assertThat(marked.json().get("marked").asInt()).isEqualTo(4);
		assertThat(unread(this.nora)).isZero();
		assertThat(unread(this.api)).as("read marks are per person").isGreaterThanOrEqualTo(4);
		this.api.post("/api/agents/" + agentId + "/release", "{}");
		this.api.delete("/api/budgets/" + budgetId);
	}

	@Test
	void pagesGoBackInTimeAndBadQueriesAreRefused() {
		List<String> tasks = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			tasks.add(
					this.api
						.post("/api/tasks",
								"{\"title\":\"ntf page " + i + "\",\"category\":\"ntf-none\","
										+ "\"approval\":{\"approvers\":{\"users\":[\"ntf-vera\"]}}}")
						.field("id"));
		}
		Response first = this.vera.get("/api/notifications?limit=2");
		assertThat(first.json().get("items")).hasSize(2);
		assertThat(first.json().get("items").get(0).get("task_id").asString()).isEqualTo(tasks.get(2));
		Response second = this.vera.get("/api/notifications?limit=2&cursor=" + first.field("next_cursor"));
		assertThat(second.json().get("items").get(0).get("task_id").asString()).isEqualTo(tasks.get(0));
		assertThat(this.vera.get("/api/notifications?limit=0").status()).isEqualTo(400);
		assertThat(this.vera.get("/api/notifications?cursor=garbage").status()).isEqualTo(400);
		assertThat(this.vera.get("/api/notifications?unread=maybe").status()).isEqualTo(400);
	}

	private ApiClient user(String name, String role) {
		this.api.post("/api/users",
				"{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + role + "\"}");
		return new ApiClient(this.port).login(name, PASSWORD);
	}

	private static JsonNode aboutOrNull(ApiClient client, String taskId) {
		for (JsonNode item : all(client)) {
			if (taskId.equals(item.path("task_id").asString(null))) {
				return item;
			}
		}
		return null;
	}

	private static JsonNode about(ApiClient client, String taskId) {
		return await().atMost(Duration.ofSeconds(10)).until(() -> aboutOrNull(client, taskId), (item) -> item != null);
	}

	private static List<JsonNode> all(ApiClient client) {
		Response response = client.get("/api/notifications?limit=500");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		List<JsonNode> items = new ArrayList<>();
		response.json().get("items").forEach(items::add);
		return items;
	}

	private static List<String> kinds(List<JsonNode> items, String task, String agent, String budget) {
		return items.stream()
			.filter((item) -> task.equals(item.path("task_id").asString(null))
					|| agent.equals(item.path("agent_id").asString(null))
					|| budget.equals(item.path("budget_id").asString(null)))
			.map((item) -> item.get("kind").asString())
			.toList();
	}

	private static long unread(ApiClient client) {
		return client.get("/api/notifications").json().get("unread_count").asLong();
	}

	/**
	 * Cancels what earlier tests of the shared server left queued: a task without
	 * requirements would go to this test's agent, which does not accept it.
	 */
	private void cancelQueuedTasks() {
		for (JsonNode task : this.api.get("/api/tasks?status=queued&limit=500").json().get("items")) {
			this.api.post("/api/tasks/" + task.get("id").asString() + "/cancel", "{}");
		}
	}

	private static String frame(String type, String id, String task, long epoch, String more) {
		return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch
				+ more + "}";
	}

}
