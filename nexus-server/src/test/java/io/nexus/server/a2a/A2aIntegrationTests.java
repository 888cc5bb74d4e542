package io.nexus.server.a2a;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nexus as an A2A 1.0 server over real HTTP, with a real agent (the Java SDK over the
 * WebSocket) doing the work: the Agent Card, blocking and immediate SendMessage, GetTask,
 * ListTasks, CancelTask, the SSE stream, the follow-up message that answers an agent's
 * question, roles, and the JSON-RPC errors of bad input.
 */
class A2aIntegrationTests extends ApiIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private SdkAgents agents;

	private int ids;

	@BeforeEach
	void startAgents() {
		this.agents = new SdkAgents(this.port);
	}

	@AfterEach
	void stopAgents() {
		this.agents.close();
	}

	@Test
	void cardIsPublicListsSkillsAndAnswersNotModified() {
		agent("a2a-card-agent", "a2a-card", (task) -> null);
		Response card = this.api.withoutToken().get("/.well-known/agent-card.json");
		assertThat(card.status()).isEqualTo(200);
		JsonNode body = card.json();
		assertThat(body.path("supportedInterfaces").get(0).path("url").asString())
			.isEqualTo("http://localhost:" + this.port + "/api/a2a");
		assertThat(body.path("supportedInterfaces").get(0).path("protocolVersion").asString()).isEqualTo("1.0");
		assertThat(body.path("capabilities").path("streaming").asBoolean()).isTrue();
		assertThat(body.path("securitySchemes").path("bearer").path("httpAuthSecurityScheme").path("scheme").asString())
			.isEqualTo("Bearer");
		assertThat(body.path("skills").findValuesAsString("id")).contains("a2a-card");
		String etag = card.header("ETag");
		assertThat(etag).startsWith("\"");
		assertThat(card.header("Cache-Control")).contains("max-age=60");
		Response again = this.api.withoutToken()
			.send("GET", "/.well-known/agent-card.json", HttpRequest.BodyPublishers.noBody(), null, "If-None-Match",
					etag);
		assertThat(again.status()).isEqualTo(304);
	}

	@Test
	void blockingSendRunsTheTaskOnAnAgentAndTheTaskCanBeReadListedButNotCancelled() {
		agent("a2a-echo-agent", "a2a-echo", (task) -> java.util.Map.of("echo", task.payload().path("text").asString()));
		JsonNode sent = rpc("SendMessage", """
				{"message": {"messageId": "m-echo-1", "role": "ROLE_USER", "contextId": "ctx-echo",
				  "parts": [{"text": "hello"}], "metadata": {"skill": "a2a-echo", "priority": "high"}}}
				""");
		JsonNode task = sent.path("result").path("task");
		assertThat(task.path("status").path("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
		assertThat(task.path("contextId").asString()).isEqualTo("ctx-echo");
		assertThat(task.path("artifacts").get(0).path("parts").get(0).path("data").path("echo").asString())
			.isEqualTo("hello");
		assertThat(task.path("metadata").path("nexus").path("priority").asString()).isEqualTo("high");
		String id = task.path("id").asString();
		assertThat(this.api.get("/api/tasks/" + id).field("category")).isEqualTo("a2a-echo");

		JsonNode read = rpc("GetTask", "{\"id\": \"" + id + "\"}");
		assertThat(read.path("result").path("status").path("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
		JsonNode again = rpc("SendMessage", """
				{"message": {"messageId": "m-echo-1", "role": "ROLE_USER", "contextId": "ctx-echo",
				  "parts": [{"text": "hello"}], "metadata": {"skill": "a2a-echo", "priority": "high"}}}
				""");
		assertThat(again.path("result").path("task").path("id").asString()).as("the same messageId, the same task")
			.isEqualTo(id);
		JsonNode listed = rpc("ListTasks", "{\"contextId\": \"ctx-echo\", \"status\": \"TASK_STATE_COMPLETED\"}");
		assertThat(listed.path("result").path("tasks").findValuesAsString("id")).containsExactly(id);
		assertThat(listed.path("result").path("tasks").get(0).has("artifacts")).isFalse();
		assertThat(listed.path("result").path("totalSize").asInt()).isEqualTo(1);

		JsonNode cancel = rpc("CancelTask", "{\"id\": \"" + id + "\"}");
		assertThat(cancel.path("error").path("code").asInt()).isEqualTo(-32002);
		assertThat(rpc("GetTask", "{\"id\": \"no-such-task\"}").path("error").path("code").asInt()).isEqualTo(-32001);
	}

	@Test
	void aStreamStartsWithTheTaskAndEndsWithItsResult() throws Exception {
		agent("a2a-stream-agent", "a2a-stream", (task) -> {
			task.progress(50, "half way");
			return java.util.Map.of("done", true);
		});
		HttpResponse<java.util.stream.Stream<String>> stream = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/a2a"))
				.timeout(Duration.ofSeconds(30))
				.header("Authorization", "Bearer " + this.api.token())
				.header("A2A-Version", "1.0")
				.header("Content-Type", "application/json")
				.header("Accept", "text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString(envelope("SendStreamingMessage", """
						{"message": {"messageId": "m-stream-1", "role": "ROLE_USER",
						  "parts": [{"data": {"n": 1}}], "metadata": {"skill": "a2a-stream"}}}
						""")))
				.build(), HttpResponse.BodyHandlers.ofLines());
		assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
		List<JsonNode> events = stream.body()
			.filter((line) -> line.startsWith("data:"))
			.map((line) -> JSON.readTree(line.substring(5)))
			.toList();
		assertThat(events.get(0).path("result").has("task")).as("the snapshot first").isTrue();
		JsonNode last = events.get(events.size() - 1).path("result");
		assertThat(last.path("statusUpdate").path("status").path("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
		assertThat(events).anySatisfy((event) -> assertThat(event.path("result")
			.path("artifactUpdate")
			.path("artifact")
			.path("parts")
			.path(0)
			.path("data")
			.path("done")
			.asBoolean()).isTrue());
	}

	@Test
	void aFollowUpMessageAnswersTheAgentsQuestion() {
		agent("a2a-ask-agent", "a2a-ask", (task) -> {
			JsonNode answer = task.askHuman("What is your name?", null);
			return java.util.Map.of("hello", answer.asString());
		});
		JsonNode first = rpc("SendMessage", """
				{"message": {"messageId": "m-ask-1", "role": "ROLE_USER",
				  "parts": [{"text": "greet me"}], "metadata": {"skill": "a2a-ask"}}}
				""").path("result").path("task");
		assertThat(first.path("status").path("state").asString()).isEqualTo("TASK_STATE_INPUT_REQUIRED");
		assertThat(first.path("status").path("message").path("parts").get(0).path("text").asString())
			.isEqualTo("What is your name?");
		JsonNode done = rpc("SendMessage", """
				{"message": {"messageId": "m-ask-2", "role": "ROLE_USER", "taskId": "%s",
				  "parts": [{"text": "Ada"}]}}
				""".formatted(first.path("id").asString())).path("result").path("task");
		assertThat(done.path("status").path("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
		assertThat(done.path("artifacts").get(0).path("parts").get(0).path("data").path("hello").asString())
			.isEqualTo("Ada");
	}

	@Test
	void aRunningTaskSentWithoutWaitingCanBeCancelledByAnOperatorButNotByAViewer() {
		CountDownLatch started = new CountDownLatch(1);
		agent("a2a-slow-agent", "a2a-slow", (task) -> {
			started.countDown();
			while (!task.isCancelled()) {
				Thread.sleep(20);
			}
			return null;
		});
		JsonNode sent = rpc("SendMessage", """
				{"message": {"messageId": "m-slow-1", "role": "ROLE_USER",
				  "parts": [{"text": "take your time"}], "metadata": {"skill": "a2a-slow"}},
				 "configuration": {"returnImmediately": true}}
				""").path("result").path("task");
		assertThat(sent.path("status").path("state").asString()).isIn("TASK_STATE_SUBMITTED", "TASK_STATE_WORKING");
		String id = sent.path("id").asString();
		await().atMost(Duration.ofSeconds(15)).until(() -> started.await(0, TimeUnit.SECONDS));

		ApiClient viewer = this.api.withToken(key("viewer"));
		assertThat(call(viewer, "CancelTask", "{\"id\": \"" + id + "\"}").status()).isEqualTo(403);
		assertThat(call(viewer, "GetTask", "{\"id\": \"" + id + "\"}").json()
			.path("result")
			.path("status")
			.path("state")
			.asString()).isEqualTo("TASK_STATE_WORKING");
		assertThat(call(viewer, "SendMessage", "{}").status()).isEqualTo(403);

		JsonNode cancelled = call(this.api.withToken(key("operator")), "CancelTask", "{\"id\": \"" + id + "\"}").json();
		assertThat(cancelled.path("result").path("status").path("state").asString()).isEqualTo("TASK_STATE_CANCELED");
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'task.cancelled' AND target = ?")
			.param(id)
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@Test
	void badRequestsGetJsonRpcErrorsNeverAServerError() {
		assertThat(raw("{not json", "1.0").json().path("error").path("code").asInt()).isEqualTo(-32700);
		assertThat(raw("[]", "1.0").json().path("error").path("code").asInt()).isEqualTo(-32600);
		assertThat(raw("{\"jsonrpc\": \"1.0\", \"id\": 1, \"method\": \"GetTask\"}", "1.0").json()
			.path("error")
			.path("code")
			.asInt()).isEqualTo(-32600);
		assertThat(rpc("tasks/get", "{}").path("error").path("code").asInt()).isEqualTo(-32601);
		assertThat(rpc("SendMessage", "{}").path("error").path("code").asInt()).isEqualTo(-32602);
		assertThat(rpc("SendMessage", "{\"message\": {\"messageId\": \"m\", \"parts\": [{\"text\": \"x\"}]}}")
			.path("error")
			.path("message")
			.asString()).contains("metadata.skill");
		assertThat(rpc("SendMessage",
				"{\"message\": {\"messageId\": \"m\", \"parts\": [{\"text\": \"x\", \"data\": 1}], \"metadata\": {\"skill\": \"s\"}}}")
			.path("error")
			.path("code")
			.asInt()).isEqualTo(-32602);
		assertThat(rpc("ListTasks", "{\"pageSize\": 1000}").path("error").path("code").asInt()).isEqualTo(-32602);
		assertThat(rpc("CreateTaskPushNotificationConfig", "{}").path("error").path("code").asInt()).isEqualTo(-32602);
		Response noVersion = raw(envelope("GetTask", "{\"id\": \"x\"}"), null);
		assertThat(noVersion.json().path("error").path("code").asInt()).as("no A2A-Version means 0.3")
			.isEqualTo(-32009);
		assertThat(raw(envelope("GetTask", "{\"id\": \"x\"}"), "2.0").json().path("error").path("code").asInt())
			.isEqualTo(-32009);
		Response huge = raw(envelope("GetTask", "{\"id\": \"" + "x".repeat(600_000) + "\"}"), "1.0");
		assertThat(huge.status()).isEqualTo(413);
		assertThat(huge.json().path("error").path("data").path("maxBytes").asInt()).isEqualTo(524288);
		assertThat(this.api.withoutToken().post("/api/a2a", envelope("GetTask", "{\"id\": \"x\"}")).status())
			.isEqualTo(401);
	}

	@Test
	void httpJsonBindingSendsReadsListsAndRefusesToCancelAFinishedTask() {
		agent("a2a-rest-agent", "a2a-rest", (task) -> java.util.Map.of("echo", task.payload().path("text").asString()));
		Response sent = rest("POST", "/message:send", """
				{"message": {"messageId": "m-rest-1", "role": "ROLE_USER", "contextId": "ctx-rest",
				  "parts": [{"text": "bonjour"}], "metadata": {"skill": "a2a-rest"}}}
				""");
		assertThat(sent.status()).as(sent.body()).isEqualTo(200);
		assertThat(sent.contentType()).startsWith("application/a2a+json");
		JsonNode task = sent.json().path("task");
		assertThat(task.path("status").path("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
		assertThat(task.path("artifacts").get(0).path("parts").get(0).path("data").path("echo").asString())
			.isEqualTo("bonjour");
		String id = task.path("id").asString();

		JsonNode read = rest("GET", "/tasks/" + id + "?historyLength=5", null).json();
		assertThat(read.path("id").asString()).isEqualTo(id);
		assertThat(read.path("contextId").asString()).isEqualTo("ctx-rest");
		JsonNode listed = rest("GET", "/tasks?contextId=ctx-rest&status=TASK_STATE_COMPLETED&pageSize=10", null).json();
		assertThat(listed.path("tasks").findValuesAsString("id")).containsExactly(id);
		assertThat(listed.path("tasks").get(0).has("artifacts")).isFalse();
		assertThat(listed.path("nextPageToken").asString("absent")).as("always present, empty on the last page")
			.isEmpty();
		assertThat(rest("GET", "/tasks?contextId=ctx-rest&includeArtifacts=true", null).json()
			.path("tasks")
			.get(0)
			.has("artifacts")).isTrue();

		Response cancel = rest("POST", "/tasks/" + id + ":cancel", null);
		assertThat(cancel.status()).isEqualTo(400);
		assertThat(reason(cancel)).isEqualTo("TASK_NOT_CANCELABLE");
		assertThat(cancel.json().path("error").path("status").asString()).isEqualTo("FAILED_PRECONDITION");
		Response subscribe = rest("GET", "/tasks/" + id + ":subscribe", null);
		assertThat(subscribe.status()).isEqualTo(400);
		assertThat(reason(subscribe)).isEqualTo("UNSUPPORTED_OPERATION");
	}

	@Test
	void httpJsonBindingStreamsATaskAndCancelsARunningOne() {
		agent("a2a-rest-stream-agent", "a2a-rest-stream", (task) -> {
			task.progress(50, "half way");
			return java.util.Map.of("done", true);
		});
		Response stream = this.api.send("POST", "/api/a2a/v1/message:stream", HttpRequest.BodyPublishers.ofString("""
				{"message": {"messageId": "m-rest-stream-1", "role": "ROLE_USER",
				  "parts": [{"data": {"n": 1}}], "metadata": {"skill": "a2a-rest-stream"}}}
				"""), "application/a2a+json", "A2A-Version", "1.0", "Accept", "text/event-stream");
		assertThat(stream.status()).as(stream.body()).isEqualTo(200);
		assertThat(stream.contentType()).startsWith("text/event-stream");
		List<JsonNode> events = stream.body()
			.lines()
			.filter((line) -> line.startsWith("data:"))
			.map((line) -> JSON.readTree(line.substring(5)))
			.toList();
		assertThat(events.get(0).has("task")).as("the snapshot first, not in a JSON-RPC envelope").isTrue();
		assertThat(events.get(events.size() - 1).path("statusUpdate").path("status").path("state").asString())
			.isEqualTo("TASK_STATE_COMPLETED");

		CountDownLatch started = new CountDownLatch(1);
		agent("a2a-rest-slow-agent", "a2a-rest-slow", (task) -> {
			started.countDown();
			while (!task.isCancelled()) {
				Thread.sleep(20);
			}
			return null;
		});
		String id = rest("POST", "/message:send", """
				{"message": {"messageId": "m-rest-slow-1", "role": "ROLE_USER",
				  "parts": [{"text": "take your time"}], "metadata": {"skill": "a2a-rest-slow"}},
				 "configuration": {"returnImmediately": true}}
				""").json().path("task").path("id").asString();
		await().atMost(Duration.ofSeconds(15)).until(() -> started.await(0, TimeUnit.SECONDS));
		Response cancelled = rest("POST", "/tasks/" + id + ":cancel", null);
		assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
		assertThat(cancelled.json().path("status").path("state").asString()).isEqualTo("TASK_STATE_CANCELED");
	}

	@Test
	void httpJsonBindingAnswersBadRequestsWithA2aErrorsNeverAServerError() {
		Response missing = rest("GET", "/tasks/no-such-task", null);
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.json().path("error").path("status").asString()).isEqualTo("NOT_FOUND");
		JsonNode info = missing.json().path("error").path("details").get(0);
		assertThat(info.path("@type").asString()).isEqualTo("type.googleapis.com/google.rpc.ErrorInfo");
		assertThat(info.path("domain").asString()).isEqualTo("a2a-protocol.org");
		assertThat(info.path("reason").asString()).isEqualTo("TASK_NOT_FOUND");
		assertThat(info.path("metadata").path("taskId").asString()).isEqualTo("no-such-task");
		assertThat(rest("POST", "/tasks/no-such-task:cancel", null).status()).isEqualTo(404);
		assertThat(rest("POST", "/tasks/no-such-task:subscribe", null).status()).isEqualTo(404);

		Response notJson = rest("POST", "/message:send", "{not json");
		assertThat(notJson.status()).isEqualTo(400);
		assertThat(reason(notJson)).isEqualTo("JSON_PARSE");
		assertThat(reason(rest("POST", "/message:send", "[]"))).isEqualTo("INVALID_REQUEST");
		Response noSkill = rest("POST", "/message:send",
				"{\"message\": {\"messageId\": \"m\", \"parts\": [{\"text\": \"x\"}]}}");
		assertThat(noSkill.status()).isEqualTo(400);
		assertThat(reason(noSkill)).isEqualTo("INVALID_PARAMS");
		assertThat(noSkill.json().path("error").path("message").asString()).contains("metadata.skill");
		for (String query : List.of("pageSize=1000", "pageSize=x", "pageSize=1&pageSize=2", "status=TASK_STATE_NONE",
				"includeArtifacts=maybe", "historyLength=-1", "pageToken=forged", "statusTimestampAfter=yesterday")) {
			assertThat(rest("GET", "/tasks?" + query, null).status()).as(query).isEqualTo(400);
		}
		assertThat(reason(rest("GET", "/tasks/x/pushNotificationConfigs", null))).isEqualTo("TASK_NOT_FOUND");
		assertThat(reason(rest("GET", "/extendedAgentCard", null))).isEqualTo("EXTENDED_AGENT_CARD_NOT_CONFIGURED");

		Response noVersion = this.api.send("GET", "/api/a2a/v1/tasks/x", HttpRequest.BodyPublishers.noBody(), null);
		assertThat(noVersion.status()).as("no A2A-Version means 0.3").isEqualTo(400);
		assertThat(reason(noVersion)).isEqualTo("VERSION_NOT_SUPPORTED");
		assertThat(noVersion.json()
			.path("error")
			.path("details")
			.get(0)
			.path("metadata")
			.path("supportedVersions")
			.asString()).isEqualTo("1.0");
		Response huge = rest("POST", "/message:send", "{\"x\": \"" + "x".repeat(600_000) + "\"}");
		assertThat(huge.status()).isEqualTo(413);
		assertThat(huge.json().path("error").path("details").get(0).path("metadata").path("maxBytes").asString())
			.isEqualTo("524288");
		Response anonymous = this.api.withoutToken()
			.send("GET", "/api/a2a/v1/tasks", HttpRequest.BodyPublishers.noBody(), null, "A2A-Version", "1.0");
		assertThat(anonymous.status()).isEqualTo(401);
		ApiClient viewer = this.api.withToken(key("viewer"));
		assertThat(viewer
			.send("POST", "/api/a2a/v1/message:send", HttpRequest.BodyPublishers.ofString("{}"), "application/json",
					"A2A-Version", "1.0")
			.status()).isEqualTo(403);
		assertThat(
				viewer.send("GET", "/api/a2a/v1/tasks", HttpRequest.BodyPublishers.noBody(), null, "A2A-Version", "1.0")
					.status())
			.isEqualTo(200);
	}

	@Test
	void httpJsonBindingSurvivesHostileInput() {
		List<String> texts = List.of("%00", "%FF%FE", "%E2%80%AE", "x%0D%0Ay", "'%20OR%201=1--", "..%2F..%2Fetc",
				"9".repeat(40), "-1", "1e309", "%F0%9F%92%A5", "a".repeat(5000));
		List<String> values = List.of("null", "true", "-1", "1e309", "99999999999999999999999", "\"\\u0000\"", "[]",
				"{}", "\"" + "z".repeat(20_000) + "\"", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]");
		List<String> failures = new java.util.ArrayList<>();
		for (String text : texts) {
			check(failures, rest("GET", "/tasks/" + text, null), "GET /tasks/" + text);
			check(failures, rest("POST", "/tasks/" + text + ":cancel", null), "cancel " + text);
			check(failures, rest("POST", "/tasks/" + text + ":subscribe", null), "subscribe " + text);
			for (String parameter : List.of("contextId", "status", "pageSize", "pageToken", "historyLength",
					"statusTimestampAfter", "includeArtifacts")) {
				check(failures, rest("GET", "/tasks?" + parameter + "=" + text, null), parameter + "=" + text);
			}
		}
		for (String value : values) {
			for (String field : List.of("message", "messageId", "role", "contextId", "taskId", "parts", "metadata",
					"skill", "priority", "labels", "fairness_key", "configuration")) {
				String body = hostileSend(field, value);
				check(failures, rest("POST", "/message:send", body), field + "=" + value);
			}
		}
		assertThat(failures).isEmpty();
	}

	/**
	 * A send that would run at once (without waiting) if it were valid, with one field
	 * replaced.
	 */
	private static String hostileSend(String field, String value) {
		java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
		fields.put("messageId", "\"m-hostile-" + field + value.hashCode() + "\"");
		fields.put("role", "\"ROLE_USER\"");
		fields.put("contextId", "\"ctx-hostile\"");
		fields.put("taskId", "null");
		fields.put("parts", "[{\"text\": \"x\"}]");
		fields.put("skill", "\"a2a-hostile\"");
		fields.put("priority", "\"low\"");
		fields.put("labels", "{}");
		fields.put("fairness_key", "null");
		fields.put("configuration", "{\"returnImmediately\": true}");
		fields.put(field, value);
		if (field.equals("configuration")) {
			// a configuration that asks to wait would hold the call: no skill, so it is
			// refused
			fields.put("skill", "null");
		}
		String metadata = "{\"skill\": " + fields.get("skill") + ", \"priority\": " + fields.get("priority")
				+ ", \"labels\": " + fields.get("labels") + ", \"fairness_key\": " + fields.get("fairness_key") + "}";
		String message = "{\"messageId\": " + fields.get("messageId") + ", \"role\": " + fields.get("role")
				+ ", \"contextId\": " + fields.get("contextId") + ", \"taskId\": " + fields.get("taskId")
				+ ", \"parts\": " + fields.get("parts") + ", \"metadata\": "
				+ (field.equals("metadata") ? value : metadata) + "}";
		return "{\"message\": " + (field.equals("message") ? value : message) + ", \"configuration\": "
				+ fields.get("configuration") + "}";
	}

	private static void check(List<String> failures, Response response, String what) {
		if (response.status() >= 500
				|| response.status() == 200 && response.contentType().startsWith("text/event-stream")
				|| List.of("Exception", "\tat ", "java.", "org.springframework", "io.nexus.server")
					.stream()
					.anyMatch(response.body()::contains)) {
			failures.add(what + " -> " + response.status() + " "
					+ response.body().substring(0, Math.min(200, response.body().length())));
		}
	}

	private void agent(String id, String capability, io.nexus.sdk.TaskHandler handler) {
		String token = this.api
			.post("/api/agents",
					"{\"id\": \"" + id + "\", \"name\": \"" + id + "\", \"capabilities\": [\"" + capability + "\"]}")
			.field("token");
		this.agents.start(this.agents.builder(id, token, handler, capability));
	}

	private String key(String role) {
		return this.api.post("/api/api-keys", "{\"name\": \"a2a-" + role + "\", \"role\": \"" + role + "\"}")
			.field("key");
	}

	private JsonNode rpc(String method, String params) {
		Response response = call(this.api, method, params);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	private Response call(ApiClient client, String method, String params) {
		return client.send("POST", "/api/a2a", HttpRequest.BodyPublishers.ofString(envelope(method, params)),
				"application/json", "A2A-Version", "1.0");
	}

	private Response raw(String body, String version) {
		return (version != null)
				? this.api.send("POST", "/api/a2a", HttpRequest.BodyPublishers.ofString(body), "application/json",
						"A2A-Version", version)
				: this.api.send("POST", "/api/a2a", HttpRequest.BodyPublishers.ofString(body), "application/json");
	}

	private Response rest(String method, String path, String body) {
		return this.api.send(method, "/api/a2a/v1" + path,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody(),
				(body != null) ? "application/json" : null, "A2A-Version", "1.0");
	}

	private static String reason(Response response) {
		return response.json().path("error").path("details").get(0).path("reason").asString();
	}

	private String envelope(String method, String params) {
		return "{\"jsonrpc\": \"2.0\", \"id\": " + (++this.ids) + ", \"method\": \"" + method + "\", \"params\": "
				+ params + "}";
	}

}
