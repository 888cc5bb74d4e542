package io.nexus.server.a2a;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A2A push notifications end to end: a real agent runs the task, a real HTTP receiver on
 * loopback gets the task's snapshot, its progress, its result and its final status with
 * the config's token and credentials, through the webhook outbox; configs are created
 * with {@code SendMessage} or on their own, read, listed and deleted, only by the task's
 * owner; bad input gets A2A errors. It runs with the settings of
 * {@code WebhookIntegrationTests} (loopback allowed, quick retries, secrets encrypted),
 * so both share one server.
 */
@TestPropertySource(properties = { "nexus.webhooks.allowed-networks=127.0.0.0/8",
		"nexus.webhooks.initial-backoff=100ms", "nexus.webhooks.max-backoff=300ms",
		"nexus.webhooks.poll-interval=100ms", "nexus.webhooks.request-timeout=500ms",
		"nexus.webhooks.connect-timeout=1s", "nexus.webhooks.secret-overlap=1h",
		"nexus.encryption.key=wh:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" })
class A2aPushIntegrationTests extends ApiIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private volatile int answer = 200;

	private HttpServer receiver;

	private SdkAgents agents;

	private int ids;

	@BeforeEach
	void start() throws IOException {
		this.agents = new SdkAgents(this.port);
		this.receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.receiver.createContext("/", (exchange) -> {
			try (InputStream in = exchange.getRequestBody()) {
				String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				int status = this.answer;
				this.received.add(new Received(exchange.getRequestURI().getPath(),
						exchange.getRequestHeaders().getFirst("X-A2A-Notification-Token"),
						exchange.getRequestHeaders().getFirst("Authorization"), JSON.readTree(body), status));
				exchange.sendResponseHeaders(status, -1);
			}
			exchange.close();
		});
		this.receiver.start();
	}

	/**
	 * Leaves the outbox as it was found, once every notification is settled: the webhook
	 * tests that share this server count its rows.
	 */
	@AfterEach
	void stop() {
		await().atMost(PATIENCE)
			.until(() -> this.jdbc
				.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE target_kind = 'a2a.push' AND status = 'pending'")
				.query(Long.class)
				.single() == 0);
		this.jdbc.sql("DELETE FROM webhook_deliveries WHERE target_kind = 'a2a.push'").update();
		this.agents.close();
		this.receiver.stop(0);
	}

	@Test
	void theReceiverGetsTheSnapshotProgressResultAndFinalStatusWithTheTokenAndConfigsCanBeManaged() {
		CountDownLatch proceed = new CountDownLatch(1);
		agent("a2a-push-agent", "a2a-push", (task) -> {
			task.progress(50, "half way");
			proceed.await(20, TimeUnit.SECONDS);
			return Map.of("pushed", true);
		});
		this.answer = 500;
		JsonNode sent = rpc(this.api, "SendMessage", """
				{"message": {"messageId": "m-push-1", "role": "ROLE_USER", "parts": [{"text": "go"}],
				  "metadata": {"skill": "a2a-push"}},
				 "configuration": {"returnImmediately": true, "taskPushNotificationConfig": {
				   "id": "first", "url": "%s", "token": "tok-1",
				   "authentication": {"scheme": "Bearer", "credentials": "s3cret"}}}}
				""".formatted(url("/first")));
		String task = sent.path("result").path("task").path("id").asString();
		await().atMost(PATIENCE).until(() -> this.received.size() >= 2);
		this.answer = 200;
		// the start (WORKING) and the progress note (WORKING, "half way") are two
		// notifications
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(
					delivered("/first").stream().filter((request) -> request.body().has("statusUpdate")))
				.anySatisfy((request) -> assertThat(
						request.body().at("/statusUpdate/status/message/parts/0/text").asString())
					.isEqualTo("half way")));
		proceed.countDown();
		await().atMost(PATIENCE).until(() -> states("/first").contains("TASK_STATE_COMPLETED"));

		List<Received> first = delivered("/first");
		assertThat(first.get(0).body().path("task").path("id").asString()).as("a snapshot first").isEqualTo(task);
		Received artifact = first.get(first.size() - 2);
		assertThat(artifact.body().at("/artifactUpdate/artifact/parts/0/data/pushed").asBoolean()).isTrue();
		assertThat(first.get(first.size() - 1).body().at("/statusUpdate/taskId").asString()).isEqualTo(task);
		assertThat(states("/first")).as("in order").containsSubsequence("TASK_STATE_WORKING", "TASK_STATE_COMPLETED");
		assertThat(first.stream()
			.filter((request) -> request.body().has("statusUpdate"))
			.map((request) -> request.body()
				.at("/statusUpdate/status")
				.toString()
				.replaceAll("\"timestamp\":\"[^\"]*\"", ""))
			.toList()).as("one update per change a client can see").doesNotHaveDuplicates();
		assertThat(this.received).allSatisfy((request) -> {
			assertThat(request.token()).isEqualTo("tok-1");
			assertThat(request.authorization()).isEqualTo("Bearer s3cret");
		});
		assertThat(this.received.stream().filter((request) -> request.status() == 500)).as("failed, then retried")
			.isNotEmpty();

		JsonNode read = rpc(this.api, "GetTaskPushNotificationConfig",
				"{\"taskId\": \"%s\", \"id\": \"first\"}".formatted(task))
			.path("result");
		assertThat(read.path("url").asString()).isEqualTo(url("/first"));
		assertThat(read.path("token").asString()).isEqualTo("tok-1");
		assertThat(read.path("authentication").path("scheme").asString()).isEqualTo("Bearer");
		assertThat(read.path("authentication").has("credentials")).as("credentials are never shown").isFalse();
		assertThat(this.jdbc.sql("SELECT credentials FROM a2a_push_configs WHERE id = 'first'")
			.query(String.class)
			.single()).startsWith("nxenc:v1:");

		JsonNode created = rpc(this.api, "CreateTaskPushNotificationConfig",
				"{\"taskId\": \"%s\", \"url\": \"%s\"}".formatted(task, url("/second")))
			.path("result");
		String second = created.path("id").asString();
		assertThat(second).isNotEmpty();
		await().atMost(PATIENCE).until(() -> !delivered("/second").isEmpty());
		assertThat(delivered("/second").get(0).body().at("/task/status/state").asString())
			.isEqualTo("TASK_STATE_COMPLETED");
		assertThat(delivered("/second").get(0).token()).isNull();
		assertThat(ids(rpc(this.api, "ListTaskPushNotificationConfigs", "{\"taskId\": \"%s\"}".formatted(task))))
			.containsExactlyInAnyOrder("first", second);
		assertThat(rpc(this.api, "DeleteTaskPushNotificationConfig",
				"{\"taskId\": \"%s\", \"id\": \"%s\"}".formatted(task, second))
			.get("result")
			.isNull()).isTrue();
		assertThat(rpc(this.api, "DeleteTaskPushNotificationConfig",
				"{\"taskId\": \"%s\", \"id\": \"%s\"}".formatted(task, second))
			.has("error")).as("deleting twice is fine").isFalse();
		assertThat(ids(rpc(this.api, "ListTaskPushNotificationConfigs", "{\"taskId\": \"%s\"}".formatted(task))))
			.containsExactly("first");
		assertThat(code(this.api, "GetTaskPushNotificationConfig",
				"{\"taskId\": \"%s\", \"id\": \"%s\"}".formatted(task, second)))
			.isEqualTo(-32001);
		assertThat(this.jdbc
			.sql("SELECT status FROM webhook_deliveries WHERE target_id = "
					+ "(SELECT target_id FROM a2a_push_configs WHERE task_id = ? AND id = 'first')")
			.param(task)
			.query(String.class)
			.list()).hasSize(first.size()).containsOnly("delivered");
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'a2a.push_config_%' AND target = ?")
			.param(task)
			.query(Long.class)
			.single()).isEqualTo(3);

		// the same methods over the HTTP+JSON binding
		String configs = "/api/a2a/v1/tasks/" + task + "/pushNotificationConfigs";
		Response restCreated = rest("POST", configs, "{\"id\": \"third\", \"url\": \"" + url("/third") + "\"}");
		assertThat(restCreated.status()).as(restCreated.body()).isEqualTo(200);
		assertThat(restCreated.json().path("taskId").asString()).isEqualTo(task);
		assertThat(rest("GET", configs, null).json().path("configs").findValuesAsString("id"))
			.containsExactlyInAnyOrder("first", "third");
		assertThat(rest("GET", configs + "/third", null).json().path("url").asString()).isEqualTo(url("/third"));
		assertThat(rest("DELETE", configs + "/third", null).status()).isEqualTo(200);
		assertThat(rest("GET", configs + "/third", null).status()).isEqualTo(404);
	}

	private Response rest(String method, String path, String body) {
		return this.api.send(method, path,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody(),
				"application/json", "A2A-Version", "1.0");
	}

	@Test
	void badInputOtherCallersAndTooManyConfigsAreRefused() {
		assertThat(this.api.withoutToken()
			.get("/.well-known/agent-card.json")
			.json()
			.at("/capabilities/pushNotifications")
			.asBoolean()).isTrue();
		String task = rpc(this.api, "SendMessage", """
				{"message": {"messageId": "m-push-idle", "role": "ROLE_USER", "parts": [{"text": "wait"}],
				  "metadata": {"skill": "a2a-push-nobody"}}, "configuration": {"returnImmediately": true}}
				""").at("/result/task/id").asString();
		String create = "{\"taskId\": \"" + task + "\", \"url\": \"%s\"}";
		assertThat(code(this.api, "CreateTaskPushNotificationConfig", create.formatted("ftp://example.com/x")))
			.isEqualTo(-32602);
		JsonNode forbidden = call(this.api, "CreateTaskPushNotificationConfig",
				create.formatted("http://10.1.2.3/hook"))
			.json();
		assertThat(forbidden.at("/error/code").asInt()).isEqualTo(-32602);
		assertThat(forbidden.at("/error/data/reason").asString()).isEqualTo("webhook_url_forbidden");
		assertThat(code(this.api, "CreateTaskPushNotificationConfig", "{\"url\": \"" + url("/x") + "\"}"))
			.isEqualTo(-32602);
		assertThat(code(this.api, "CreateTaskPushNotificationConfig",
				"{\"taskId\": \"task_nope\", \"url\": \"" + url("/x") + "\"}"))
			.isEqualTo(-32001);
		assertThat(code(this.api, "CreateTaskPushNotificationConfig",
				"{\"taskId\": \"" + task + "\", \"url\": \"" + url("/x")
						+ "\", \"authentication\": {\"scheme\": \"Bad Scheme\", \"credentials\": \"x\"}}"))
			.isEqualTo(-32602);
		assertThat(code(this.api, "CreateTaskPushNotificationConfig",
				"{\"taskId\": \"" + task + "\", \"url\": \"" + url("/x") + "\", \"token\": \"a\\r\\nX-Evil: 1\"}"))
			.isEqualTo(-32602);
		assertThat(code(this.api, "SendMessage", """
				{"message": {"messageId": "m-push-bad", "role": "ROLE_USER", "parts": [{"text": "x"}],
				  "metadata": {"skill": "a2a-push-nobody"}},
				 "configuration": {"taskPushNotificationConfig": {"url": "http://10.1.2.3/hook"}}}
				""")).isEqualTo(-32602);
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE idempotency_key = 'a2a:m-push-bad'")
			.query(Long.class)
			.single()).as("a refused config creates no task").isZero();
		assertThat(code(this.api, "SendMessage", """
				{"message": {"messageId": "m-push-old", "role": "ROLE_USER", "parts": [{"text": "x"}],
				  "metadata": {"skill": "a2a-push-nobody"}},
				 "configuration": {"pushNotificationConfig": {"url": "%s"}}}
				""".formatted(url("/x")))).isEqualTo(-32602);

		for (int i = 0; i < 10; i++) {
			assertThat(rpc(this.api, "CreateTaskPushNotificationConfig",
					"{\"taskId\": \"%s\", \"id\": \"c%d\", \"url\": \"%s\"}".formatted(task, i, url("/many")))
				.has("result")).isTrue();
		}
		JsonNode tooMany = call(this.api, "CreateTaskPushNotificationConfig",
				"{\"taskId\": \"%s\", \"id\": \"c10\", \"url\": \"%s\"}".formatted(task, url("/many")))
			.json();
		assertThat(tooMany.at("/error/code").asInt()).isEqualTo(-32602);
		assertThat(tooMany.at("/error/data/maxConfigs").asInt()).isEqualTo(10);
		assertThat(rpc(this.api, "CreateTaskPushNotificationConfig",
				"{\"taskId\": \"%s\", \"id\": \"c3\", \"url\": \"%s\"}".formatted(task, url("/replaced")))
			.at("/result/url")
			.asString()).as("replacing a config is not one more").isEqualTo(url("/replaced"));

		assertThat(
				code(this.api, "SendMessage",
						"""
								{"message": {"messageId": "m-push-follow", "role": "ROLE_USER", "taskId": "%s", "parts": [{"text": "x"}]},
								 "configuration": {"taskPushNotificationConfig": {"id": "c-follow", "url": "%s"}}}
								"""
							.formatted(task, url("/follow"))))
			.as("a refused follow-up saves no config")
			.isEqualTo(-32004);

		ApiClient viewer = this.api.withToken(key("viewer"));
		assertThat(call(viewer, "CreateTaskPushNotificationConfig", create.formatted(url("/x"))).status())
			.isEqualTo(403);
		this.api.post("/api/users",
				"{\"username\": \"push-operator\", \"password\": \"push-operator-pass-1\", \"role\": \"operator\"}");
		ApiClient operator = new ApiClient(this.port).login("push-operator", "push-operator-pass-1");
		assertThat(code(operator, "ListTaskPushNotificationConfigs", "{\"taskId\": \"" + task + "\"}"))
			.as("another caller's task is not found")
			.isEqualTo(-32001);
		assertThat(code(operator, "DeleteTaskPushNotificationConfig", "{\"taskId\": \"" + task + "\", \"id\": \"c1\"}"))
			.isEqualTo(-32001);
		assertThat(ids(rpc(this.api, "ListTaskPushNotificationConfigs", "{\"taskId\": \"" + task + "\"}"))).hasSize(10);
	}

	private List<String> states(String path) {
		return delivered(path).stream()
			.filter((request) -> request.body().has("statusUpdate"))
			.map((request) -> request.body().at("/statusUpdate/status/state").asString())
			.toList();
	}

	/** What the receiver acknowledged at a path, in the order it came. */
	private List<Received> delivered(String path) {
		return this.received.stream()
			.filter((request) -> request.path().equals(path) && request.status() == 200)
			.toList();
	}

	private static List<String> ids(JsonNode listed) {
		return listed.path("result").path("configs").findValuesAsString("id");
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.receiver.getAddress().getPort() + path;
	}

	private void agent(String id, String capability, io.nexus.sdk.TaskHandler handler) {
		String token = this.api
			.post("/api/agents",
					"{\"id\": \"" + id + "\", \"name\": \"" + id + "\", \"capabilities\": [\"" + capability + "\"]}")
			.field("token");
		this.agents.start(this.agents.builder(id, token, handler, capability));
	}

	private String key(String role) {
		return this.api.post("/api/api-keys", "{\"name\": \"push-" + role + "\", \"role\": \"" + role + "\"}")
			.field("key");
	}

	private int code(ApiClient client, String method, String params) {
		return call(client, method, params).json().path("error").path("code").asInt();
	}

	private JsonNode rpc(ApiClient client, String method, String params) {
		Response response = call(client, method, params);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(response.json().has("error")).as(response.body()).isFalse();
		return response.json();
	}

	private Response call(ApiClient client, String method, String params) {
		String envelope = "{\"jsonrpc\": \"2.0\", \"id\": " + (++this.ids) + ", \"method\": \"" + method
				+ "\", \"params\": " + params + "}";
		return client.send("POST", "/api/a2a", HttpRequest.BodyPublishers.ofString(envelope), "application/json",
				"A2A-Version", "1.0");
	}

	private record Received(String path, String token, String authorization, JsonNode body, int status) {

	}

}
