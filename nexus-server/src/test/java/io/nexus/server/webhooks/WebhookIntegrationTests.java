package io.nexus.server.webhooks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import io.nexus.server.webhooks.WebhookReceiver.Mode;
import io.nexus.server.webhooks.WebhookReceiver.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks end to end with a real HTTP receiver on loopback (allowed by
 * {@code nexus.webhooks.allowed-networks}): a receiver that fails, then times out, then
 * recovers gets every event afterwards with a valid signature and none twice after it
 * acknowledged it; forbidden URLs are refused; redirects are not followed; a rotated
 * secret signs beside the new one; agent events; redelivery; two claimers deliver each
 * event once. Retries are spaced by settings of a few hundred milliseconds, not by
 * sleeps.
 */
@TestPropertySource(
		properties = { "nexus.webhooks.allowed-networks=127.0.0.0/8", "nexus.webhooks.initial-backoff=100ms",
				"nexus.webhooks.max-backoff=300ms", "nexus.webhooks.poll-interval=100ms",
				"nexus.webhooks.request-timeout=500ms", "nexus.webhooks.connect-timeout=1s",
				"nexus.webhooks.secret-overlap=1h", "nexus.encryption.key=" + WebhookIntegrationTests.ENCRYPTION_KEY })
class WebhookIntegrationTests extends ApiIntegrationTest {

	/**
	 * Secrets are stored encrypted: every signature checked here was made with a
	 * decrypted one.
	 */
	static final String ENCRYPTION_KEY = "wh:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	@Autowired
	private WebhookDeliverer deliverer;

	@Autowired
	private WebhookEvents events;

	@Autowired
	private PlatformTransactionManager transactions;

	private WebhookReceiver receiver;

	@BeforeEach
	void startReceiver() throws IOException {
		this.receiver = new WebhookReceiver();
	}

	@AfterEach
	void stopReceiver() {
		for (JsonNode subscription : this.api.get("/api/webhooks").json().get("items")) {
			this.api.delete("/api/webhooks/" + subscription.get("id").asString());
		}
		this.receiver.close();
	}

	@Test
	void aReceiverThatFailsTimesOutAndRecoversGetsEveryEventOnceWithAValidSignature() {
		String[] subscription = subscribe(this.receiver.url("/hook"), "task.completed", "task.cancelled");
		this.receiver.mode(Mode.FAIL);
		List<String> tasks = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			tasks.add(cancelledTask());
			tasks.add(completedTask());
		}
		await().atMost(PATIENCE).until(() -> this.receiver.received().size() >= 12);
		this.receiver.mode(Mode.HANG);
		await().atMost(PATIENCE)
			.until(() -> deliveries(subscription[0]).stream()
				.anyMatch((delivery) -> delivery.path("last_error").asString("").startsWith("timed out")));
		this.receiver.mode(Mode.ACK);

		await().atMost(PATIENCE)
			.until(() -> deliveries(subscription[0]).stream()
				.allMatch((delivery) -> delivery.get("status").asString().equals("delivered")));
		List<Received> acknowledged = this.receiver.acknowledged();
		Map<String, Long> perEvent = acknowledged.stream()
			.collect(Collectors.groupingBy(Received::id, Collectors.counting()));
		assertThat(perEvent).hasSize(6).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
		assertThat(acknowledged).allSatisfy((request) -> assertThat(verify(request, subscription[1])).isTrue());
		Set<String> taskIds = acknowledged.stream()
			.map((request) -> JsonMapper.shared().readTree(request.body()).get("data").get("task_id").asString())
			.collect(Collectors.toSet());
		assertThat(taskIds).containsExactlyInAnyOrderElementsOf(tasks);
		JsonNode first = JsonMapper.shared().readTree(acknowledged.get(0).body());
		assertThat(first.get("type").asString()).isIn("task.completed", "task.cancelled");
		assertThat(first.get("data").get("status").asString()).isEqualTo(first.get("type").asString().substring(5));
		assertThat(this.receiver.received().stream().filter((request) -> request.answered() == Mode.FAIL))
			.hasSizeGreaterThanOrEqualTo(12);
		assertThat(deliveries(subscription[0])).allSatisfy((delivery) -> {
			assertThat(delivery.get("attempts").asInt()).isGreaterThan(1);
			assertThat(delivery.get("last_status_code").asInt()).isEqualTo(204);
			// the history has every attempt: failures first, the acknowledgement last
			JsonNode history = this.api
				.get("/api/webhooks/" + subscription[0] + "/deliveries/" + delivery.get("id").asString())
				.json();
			assertThat(history.get("delivery").get("id").asString()).isEqualTo(delivery.get("id").asString());
			List<JsonNode> attempts = new ArrayList<>();
			history.get("attempts").forEach(attempts::add);
			assertThat(attempts).hasSize(delivery.get("attempts").asInt());
			for (int i = 0; i < attempts.size(); i++) {
				JsonNode attempt = attempts.get(i);
				assertThat(attempt.get("attempt").asInt()).isEqualTo(i + 1);
				assertThat(attempt.get("node").asString()).isNotBlank();
				if (i < attempts.size() - 1) {
					// failed: an error status (500, or 503 after hanging) or no answer
					assertThat(attempt.path("error").asString("")).as("attempt %s", attempt).isNotBlank();
					assertThat(attempt.path("status_code").asInt(0) / 100).as("attempt %s", attempt).isNotEqualTo(2);
				}
			}
			assertThat(attempts.get(attempts.size() - 1).get("status_code").asInt()).isEqualTo(204);
			assertThat(attempts.get(attempts.size() - 1).path("error").isNull()).isTrue();
		});
		assertThat(this.api.get("/api/webhooks/" + subscription[0] + "/deliveries/whd_00000000000000000000000000")
			.status()).isEqualTo(404);
		// acknowledged: nothing is pending, so nothing is sent again
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE status <> 'delivered'")
			.query(Long.class)
			.single()).isZero();
		assertThat(this.api.get("/metrics").body()).contains("nexus_webhook_deliveries_total{outcome=\"delivered\"}")
			.contains("nexus_webhook_deliveries_total{outcome=\"retried\"}");
	}

	@Test
	void urlsThatAreNotHttpOrPointAtForbiddenAddressesAreRefusedAndNothingIsStored() {
		List<String> forbidden = List.of("http://10.0.0.1/hook", "http://192.168.1.10/hook",
				"http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://0.0.0.0/hook",
				"http://224.0.0.1/hook", "http://100.64.0.1/hook", "http://[fd00::1]/hook",
				"http://localhost6x.invalid/", "http://[::ffff:10.0.0.1]/hook");
		for (String url : forbidden) {
			Response response = this.api.post("/api/webhooks", body(url, "task.completed"));
			assertThat(response.status()).as(url).isEqualTo(422);
			assertThat(response.problemType()).as(url).isIn("urn:nexus:problem:webhook_url_forbidden");
			assertThat(response.json().get("field").asString()).isEqualTo("url");
		}
		List<String> invalid = List.of("ftp://127.0.0.1/hook", "file:///etc/passwd", "javascript:alert(1)",
				"http:///nohost", "http://user:pw@127.0.0.1/hook", "http://127.0.0.1/" + "a".repeat(2048), "not a url");
		for (String url : invalid) {
			Response response = this.api.post("/api/webhooks", body(url, "task.completed"));
			assertThat(response.status()).as(url).isEqualTo(422);
			assertThat(response.problemType()).as(url).isEqualTo("urn:nexus:problem:webhook_url_invalid");
		}
		Response unknownType = this.api.post("/api/webhooks", body(this.receiver.url("/hook"), "task.exploded"));
		assertThat(unknownType.status()).isEqualTo(422);
		assertThat(unknownType.json().get("field").asString()).isEqualTo("event_types");
		Response noType = this.api.post("/api/webhooks",
				"{\"url\":\"" + this.receiver.url("/hook") + "\",\"event_types\":[]}");
		assertThat(noType.status()).isEqualTo(422);
		Response tooMany = this.api.post("/api/webhooks", body(this.receiver.url("/hook"),
				java.util.Collections.nCopies(33, "task.completed").toArray(String[]::new)));
		assertThat(tooMany.status()).isEqualTo(422);
		Response badSecret = this.api.post("/api/webhooks", "{\"url\":\"" + this.receiver.url("/hook")
				+ "\",\"event_types\":[\"task.completed\"],\"secret\":\"whsec_c2hvcnQ=\"}");
		assertThat(badSecret.status()).isEqualTo(422);
		assertThat(badSecret.json().get("field").asString()).isEqualTo("secret");
		assertThat(rows("webhook_subscriptions")).isZero();
	}

	@Test
	void aRedirectIsNotFollowed() {
		String[] subscription = subscribe(this.receiver.url("/redirect"), "task.cancelled");
		cancelledTask();
		await().atMost(PATIENCE)
			.until(() -> deliveries(subscription[0]).stream()
				.anyMatch((delivery) -> delivery.path("last_status_code").asInt(0) == 302));
		JsonNode delivery = deliveries(subscription[0]).get(0);
		assertThat(delivery.get("status").asString()).isEqualTo("pending");
		assertThat(delivery.get("last_error").asString()).contains("not followed");
		assertThat(this.receiver.received()).isNotEmpty().noneMatch((request) -> request.path().equals("/redirected"));
	}

	@Test
	void aRotatedSecretSignsBesideTheNewOneDuringTheOverlap() {
		String[] subscription = subscribe(this.receiver.url("/hook"), "task.cancelled");
		Response rotated = this.api.post("/api/webhooks/" + subscription[0] + "/rotate-secret", "{}");
		assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
		String newSecret = rotated.field("secret");
		assertThat(newSecret).startsWith("whsec_").isNotEqualTo(subscription[1]);
		List<String> stored = this.jdbc
			.sql("SELECT secret, secret_key_id, previous_secret, previous_secret_key_id FROM webhook_subscriptions")
			.query((rs, rowNum) -> Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
			.single();
		assertThat(stored.get(0)).as("stored encrypted").startsWith("nxenc:v1:").doesNotContain(newSecret);
		assertThat(stored.get(2)).startsWith("nxenc:v1:");
		assertThat(List.of(stored.get(1), stored.get(3))).containsOnly("wh");
		assertThat(rotated.field("previous_secret_expires_at")).isNotNull();
		assertThat(this.api.get("/api/webhooks/" + subscription[0]).json().has("secret")
				&& !this.api.get("/api/webhooks/" + subscription[0]).json().get("secret").isNull())
			.as("the secret is shown only once")
			.isFalse();
		cancelledTask();
		await().atMost(PATIENCE).until(() -> !this.receiver.acknowledged().isEmpty());
		Received request = this.receiver.acknowledged().get(0);
		assertThat(request.signature().split(" ")).hasSize(2);
		assertThat(verify(request, newSecret)).isTrue();
		assertThat(verify(request, subscription[1])).isTrue();
		assertThat(verify(request, "whsec_" + Base64.getEncoder().encodeToString(new byte[32]))).isFalse();
	}

	@Test
	void agentsComingOnlineGoingOfflineAndQuarantinedAreAnnounced() {
		String[] subscription = subscribe(this.receiver.url("/hook"), "agent.online", "agent.offline",
				"agent.quarantined");
		Response agent = this.api.post("/api/agents", "{\"name\":\"wh-agent\",\"capabilities\":[\"wh-only\"]}");
		String agentId = agent.field("id");
		try (RawAgent connection = RawAgent.register(this.port, agentId, agent.field("token"))) {
			await().atMost(PATIENCE).until(() -> types().contains("agent.online"));
			assertThat(
					this.api.post("/api/agents/" + agentId + "/quarantine", "{\"reason\":\"webhook test\"}").status())
				.isEqualTo(200);
		}
		await().atMost(PATIENCE).until(() -> types().containsAll(List.of("agent.quarantined", "agent.offline")));
		Map<String, JsonNode> byType = this.receiver.acknowledged()
			.stream()
			.map((request) -> JsonMapper.shared().readTree(request.body()))
			.collect(Collectors.toMap((event) -> event.get("type").asString(), Function.identity(), (a, b) -> a));
		assertThat(byType.values())
			.allSatisfy((event) -> assertThat(event.get("data").get("agent_id").asString()).isEqualTo(agentId));
		assertThat(byType.get("agent.quarantined").get("data").get("detail").asString()).contains("webhook test");
		assertThat(this.receiver.acknowledged())
			.allSatisfy((request) -> assertThat(verify(request, subscription[1])).isTrue());
		this.api.post("/api/agents/" + agentId + "/release", "{}");
	}

	@Test
	void tasksThatWaitForAPersonAreAnnounced() {
		subscribe(this.receiver.url("/hook"), "task.awaiting_approval", "task.input_required");
		Response gated = this.api.post("/api/tasks",
				"{\"title\":\"wh gated\",\"category\":\"wh-none\",\"approval\":{\"approvers\":{\"roles\":[\"admin\"]}}}");
		assertThat(gated.status()).as(gated.body()).isEqualTo(201);
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"wh-asker\",\"capabilities\":[\"wh-ask\"],\"max_concurrency\":1}");
		String asking = this.api.post("/api/tasks", "{\"title\":\"wh ask\",\"category\":\"wh-ask\"}").field("id");
		try (RawAgent connection = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
			JsonNode assigned = connection.next("task_assigned");
			long epoch = assigned.get("lease_epoch").asLong();
			connection.send("{\"type\":\"task_accept\",\"task_id\":\"" + asking + "\",\"lease_epoch\":" + epoch + "}");
			connection.send("{\"type\":\"input_request\",\"id\":\"q\",\"task_id\":\"" + asking + "\",\"lease_epoch\":"
					+ epoch + ",\"request_id\":\"q1\",\"prompt\":\"Go on?\"}");
			await().atMost(PATIENCE)
				.until(() -> types().containsAll(List.of("task.awaiting_approval", "task.input_required")));
		}
		Map<String, JsonNode> byType = this.receiver.acknowledged()
			.stream()
			.map((request) -> JsonMapper.shared().readTree(request.body()))
			.collect(Collectors.toMap((event) -> event.get("type").asString(), Function.identity(), (a, b) -> a));
		assertThat(byType.get("task.awaiting_approval").get("data").get("task_id").asString())
			.isEqualTo(gated.field("id"));
		assertThat(byType.get("task.awaiting_approval").get("data").get("status").asString())
			.isEqualTo("awaiting_approval");
		assertThat(byType.get("task.input_required").get("data").get("task_id").asString()).isEqualTo(asking);
		assertThat(byType.get("task.input_required").get("data").get("previous_status").asString())
			.isEqualTo("in_progress");
	}

	@Test
	void budgetsAt80PercentAndSpentAreAnnouncedOnce() {
		subscribe(this.receiver.url("/hook"), "budget.warning", "budget.spent");
		Response budget = this.api.post("/api/budgets", "{\"name\":\"wh-budget\",\"scope\":\"category\","
				+ "\"scope_value\":\"wh-spend\",\"period\":\"day\",\"max_tokens\":100}");
		assertThat(budget.status()).as(budget.body()).isEqualTo(201);
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"wh-spender\",\"capabilities\":[\"wh-spend\"],\"max_concurrency\":1}");
		String task = this.api.post("/api/tasks", "{\"title\":\"wh spend\",\"category\":\"wh-spend\"}").field("id");
		try (RawAgent connection = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
			long epoch = connection.next("task_assigned").get("lease_epoch").asLong();
			int[] reports = { 85, 10, 10, 10 };
			for (int i = 0; i < reports.length; i++) {
				String id = "p" + i;
				connection.send("{\"type\":\"task_progress\",\"id\":\"" + id + "\",\"task_id\":\"" + task
						+ "\",\"lease_epoch\":" + epoch + ",\"usage\":{\"input_tokens\":" + reports[i] + "}}");
				// each report is answered before the next is sent: the first three are
				// stored, the fourth comes after the budget was spent
				JsonNode answer = connection.next((frame) -> id.equals(frame.path("id").asString()),
						"the answer to " + id);
				assertThat(answer.path(i < 3 ? "type" : "code").asString()).as(answer.toString())
					.isEqualTo(i < 3 ? "ack" : "budget_exceeded");
			}
			await().atMost(PATIENCE).until(() -> types().containsAll(List.of("budget.warning", "budget.spent")));
		}
		finally {
			this.api.delete("/api/budgets/" + budget.field("id"));
		}
		assertThat(types()).as("once each").hasSize(2);
		Map<String, JsonNode> byType = this.receiver.acknowledged()
			.stream()
			.map((request) -> JsonMapper.shared().readTree(request.body()))
			.collect(Collectors.toMap((event) -> event.get("type").asString(), Function.identity(), (a, b) -> a));
		JsonNode warning = byType.get("budget.warning").get("data");
		assertThat(warning.get("budget_id").asString()).isEqualTo(budget.field("id"));
		assertThat(warning.get("name").asString()).isEqualTo("wh-budget");
		assertThat(warning.get("scope").asString()).isEqualTo("category wh-spend");
		assertThat(warning.get("percent_used").asDouble()).isEqualTo(85.0);
		JsonNode spent = byType.get("budget.spent").get("data");
		assertThat(spent.get("budget_id").asString()).isEqualTo(budget.field("id"));
		assertThat(spent.get("reset_at").asString()).isNotEmpty();
	}

	@Test
	void aDeliveryIsSentAgainOnRequestWithTheSameIdAndBody() {
		String[] subscription = subscribe(this.receiver.url("/hook"), "task.completed");
		completedTask();
		await().atMost(PATIENCE).until(() -> this.receiver.acknowledged().size() == 1);
		String deliveryId = deliveries(subscription[0]).get(0).get("id").asString();
		Response redelivered = this.api
			.post("/api/webhooks/" + subscription[0] + "/deliveries/" + deliveryId + "/redeliver", "{}");
		assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(202);
		assertThat(redelivered.field("id")).isNotEqualTo(deliveryId);
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.receiver.acknowledged())
				.as("acknowledged; deliveries %s, received %s",
						this.jdbc
							.sql("SELECT id, status, attempts, next_attempt_at, claimed_by, claimed_until, last_error "
									+ "FROM webhook_deliveries")
							.query()
							.listOfRows(),
						this.receiver.received())
				.hasSize(2));
		List<Received> both = this.receiver.acknowledged();
		assertThat(both.get(1).id()).isEqualTo(both.get(0).id());
		assertThat(both.get(1).body()).isEqualTo(both.get(0).body());
		assertThat(this.api
			.post("/api/webhooks/" + subscription[0] + "/deliveries/whd_00000000000000000000000000/redeliver", "{}")
			.status()).isEqualTo(404);
		JsonNode audit = this.api.get("/api/audit?action=webhook.redelivered").json();
		assertThat(audit.toString()).contains(subscription[0]);
	}

	@Test
	void twoClaimersOnOneDatabaseDeliverEachEventOnce() {
		String[] subscription = subscribe(this.receiver.url("/hook"), "task.cancelled");
		WebhookDeliverer other = this.deliverer.asAnotherNode();
		other.start();
		try {
			List<String> tasks = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				tasks.add(cancelledTask());
			}
			await().atMost(PATIENCE).until(() -> this.receiver.acknowledged().size() >= 20);
			await().atMost(PATIENCE)
				.until(() -> deliveries(subscription[0]).stream()
					.allMatch((delivery) -> delivery.get("status").asString().equals("delivered")));
			Map<String, Long> perEvent = this.receiver.acknowledged()
				.stream()
				.collect(Collectors.groupingBy(Received::id, Collectors.counting()));
			assertThat(perEvent).hasSize(20).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
			assertThat(deliveries(subscription[0]))
				.allSatisfy((delivery) -> assertThat(delivery.get("attempts").asInt()).isEqualTo(1));
		}
		finally {
			other.stop();
		}
	}

	@Test
	void eventsCommitAndRollBackWithTheirTransactionAndWaitInTheOutboxWhileNoNodeDelivers() {
		String[] subscription = subscribe(this.receiver.url("/hook"), "task.cancelled", "queue.stuck");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.events.publish(WebhookEventType.QUEUE_STUCK, Map.of("outside", true)));
		TransactionTemplate transaction = new TransactionTemplate(this.transactions);
		transaction.executeWithoutResult((status) -> {
			this.events.publish(WebhookEventType.QUEUE_STUCK, Map.of("rolled_back", true));
			status.setRollbackOnly();
		});
		assertThat(rows("webhook_deliveries")).isZero();

		this.deliverer.stop();
		try {
			String task = cancelledTask();
			assertThat(this.jdbc.sql("SELECT status FROM webhook_deliveries").query(String.class).single())
				.isEqualTo("pending");
			assertThat(this.jdbc.sql("SELECT payload FROM webhook_deliveries").query(String.class).single())
				.contains(task);
		}
		finally {
			this.deliverer.start();
		}
		await().atMost(PATIENCE).until(() -> this.receiver.acknowledged().size() == 1);
		assertThat(verify(this.receiver.acknowledged().get(0), subscription[1])).isTrue();
		assertThat(this.receiver.acknowledged().get(0).body()).doesNotContain("rolled_back");
	}

	@Test
	void subscriptionsAreListedUpdatedAndDeleted() {
		String[] subscription = subscribe(this.receiver.url("/hook"), "task.completed");
		JsonNode listed = this.api.get("/api/webhooks").json().get("items");
		assertThat(listed).hasSize(1);
		assertThat(listed.get(0).get("secret").isNull()).isTrue();
		Response updated = this.api.put("/api/webhooks/" + subscription[0],
				"{\"url\":\"" + this.receiver.url("/other") + "\",\"event_types\":[\"task.failed\",\"queue.stuck\"],"
						+ "\"enabled\":false,\"description\":\"ops\"}");
		assertThat(updated.status()).as(updated.body()).isEqualTo(200);
		assertThat(updated.json().get("event_types").toString()).isEqualTo("[\"task.failed\",\"queue.stuck\"]");
		assertThat(updated.json().get("enabled").asBoolean()).isFalse();
		completedTask();
		assertThat(this.api
			.put("/api/webhooks/" + subscription[0], "{\"url\":\"http://10.1.2.3/\",\"event_types\":[\"task.failed\"]}")
			.status()).isEqualTo(422);
		assertThat(this.api.delete("/api/webhooks/" + subscription[0]).status()).isEqualTo(204);
		assertThat(this.api.get("/api/webhooks/" + subscription[0]).status()).isEqualTo(404);
		assertThat(rows("webhook_deliveries")).isZero();
		assertThat(this.receiver.received()).isEmpty();
	}

	private String[] subscribe(String url, String... types) {
		Response created = this.api.post("/api/webhooks", body(url, types));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.field("secret")).startsWith("whsec_");
		return new String[] { created.field("id"), created.field("secret") };
	}

	private static String body(String url, String... types) {
		return "{\"url\":\"" + url + "\",\"event_types\":["
				+ java.util.Arrays.stream(types).map((type) -> "\"" + type + "\"").collect(Collectors.joining(","))
				+ "]}";
	}

	private List<JsonNode> deliveries(String subscriptionId) {
		List<JsonNode> items = new ArrayList<>();
		this.api.get("/api/webhooks/" + subscriptionId + "/deliveries?limit=500")
			.json()
			.get("items")
			.forEach(items::add);
		return items;
	}

	private List<String> types() {
		return this.receiver.acknowledged()
			.stream()
			.map((request) -> JsonMapper.shared().readTree(request.body()).get("type").asString())
			.toList();
	}

	private String cancelledTask() {
		String id = this.api.post("/api/tasks", "{\"title\":\"webhook\",\"category\":\"wh-none\"}").field("id");
		assertThat(this.api.post("/api/tasks/" + id + "/cancel", "{}").status()).isEqualTo(200);
		return id;
	}

	private String completedTask() {
		String id = this.api.post("/api/tasks", "{\"title\":\"webhook\",\"category\":\"wh-none\"}").field("id");
		Response closed = this.api.put("/api/tasks/" + id, "{\"status\":\"completed\"}");
		assertThat(closed.status()).as(closed.body()).isEqualTo(200);
		return id;
	}

	/**
	 * Verifies a request's signature as a receiver would, per the Standard Webhooks
	 * convention, independently of the server's code.
	 */
	static boolean verify(Received request, String secret) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
			String expected = Base64.getEncoder()
				.encodeToString(mac.doFinal((request.id() + "." + request.timestamp() + "." + request.body())
					.getBytes(StandardCharsets.UTF_8)));
			for (String signature : request.signature().split(" ")) {
				if (signature.equals("v1," + expected)) {
					return true;
				}
			}
			return false;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
