package io.nexus.server.a2a.remote;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Remote A2A agents as fleet members, against a small A2A 1.0 server in the test
 * (JSON-RPC over HTTP, SSE streams): registration by card URL (ETag honoured, bad input
 * refused), a task dispatched to it with progress and its result, failures and garbage, a
 * lease that expires (CancelTask on the remote, the retry on another agent, the late
 * answer refused by fencing), and a remote agent that stops answering going offline. The
 * remote settings (loopback allowed, quick card refreshes) are those of every
 * {@link ApiIntegrationTest}, so that this class shares their Spring context.
 */
class RemoteA2aAgentIntegrationTests extends ApiIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static HttpServer server;

	private static ExecutorService serverThreads;

	private static final Map<String, AtomicInteger> cardFetches = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> notModified = new ConcurrentHashMap<>();

	private static final Map<String, Boolean> down = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();

	private static final List<JsonNode> received = new CopyOnWriteArrayList<>();

	private static final List<String> cancelled = new CopyOnWriteArrayList<>();

	private static final Map<String, CountDownLatch> cancelLatches = new ConcurrentHashMap<>();

	private static final CountDownLatch lateAnswerSent = new CountDownLatch(1);

	private SdkAgents agents;

	@BeforeAll
	static void startRemoteAgent() throws IOException {
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		serverThreads = Executors.newCachedThreadPool();
		server.setExecutor(serverThreads);
		server.createContext("/cards/", RemoteA2aAgentIntegrationTests::card);
		server.createContext("/rpc/", RemoteA2aAgentIntegrationTests::rpc);
		server.start();
	}

	@AfterAll
	static void stopRemoteAgent() {
		cancelLatches.values().forEach(CountDownLatch::countDown);
		server.stop(0);
		serverThreads.shutdownNow();
	}

	@BeforeEach
	void startAgents() {
		this.agents = new SdkAgents(this.port);
	}

	@AfterEach
	void stopAgents() {
		this.agents.close();
	}

	@Test
	void registersByCardUrlHonoursTheEtagAndRefusesBadInput() {
		Response registered = register("reg");
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);
		JsonNode body = registered.json();
		String id = body.path("id").asString();
		assertThat(body.path("capabilities").get(0).asString()).isEqualTo("remote-reg");
		assertThat(body.path("labels").path("kind").asString()).isEqualTo("a2a");
		assertThat(body.path("rpc_url").asString()).isEqualTo(base() + "/rpc/reg");
		assertThat(body.path("streaming").asBoolean()).isTrue();
		assertThat(body.path("has_auth_header").asBoolean()).isTrue();
		assertThat(body.toString()).doesNotContain("s3cret");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/api/agents/" + id).json().path("online").asBoolean());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> notModified.getOrDefault("reg", new AtomicInteger()).get() >= 2);
		assertThat(this.api.get("/api/a2a/agents").json().path("agents").findValuesAsString("id")).contains(id);
		assertThat(this.api.get("/api/agents/" + id).json().path("labels").path("kind").asString()).isEqualTo("a2a");

		Response duplicate = register("reg");
		assertThat(duplicate.status()).isEqualTo(409);
		assertThat(duplicate.problemType()).endsWith("a2a_agent_exists");
		assertThat(post("{\"card_url\": \"ftp://127.0.0.1/card\"}").problemType()).endsWith("a2a_card_url_invalid");
		assertThat(post("{\"card_url\": \"http://10.1.2.3/card\"}").problemType()).endsWith("a2a_card_url_forbidden");
		assertThat(post("{\"card_url\": \"" + base() + "/missing\"}").problemType()).endsWith("a2a_card_unreachable");
		assertThat(post("{\"card_url\": \"" + base() + "/cards/noskills\"}").problemType())
			.endsWith("a2a_card_invalid");
		assertThat(post("{\"card_url\": \"" + base() + "/cards/notjson\"}").status()).isEqualTo(422);
		assertThat(post("{}").status()).isEqualTo(400);
		assertThat(post("{\"card_url\": \"" + base() + "/cards/x\", \"max_concurrent_tasks\": 0}").status())
			.isEqualTo(400);
		assertThat(this.api.get("/api/a2a/agents/no-such-agent").status()).isEqualTo(404);
	}

	@Test
	void aTaskRunsOnTheRemoteAgentWithProgressFailuresAndGarbage() {
		String id = register("run").json().path("id").asString();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/api/agents/" + id).json().path("online").asBoolean());

		String task = task("echo", "remote-run", 3, 60);
		JsonNode done = awaitStatus(task, "completed");
		assertThat(done.path("result").path("echo").path("x").asInt()).isEqualTo(7);
		assertThat(done.path("assigned_agent_id").asString()).isEqualTo(id);
		assertThat(done.path("progress_message").asString()).isEqualTo("half way");
		JsonNode message = received.stream()
			.filter((request) -> request.path("params")
				.path("metadata")
				.path("nexus")
				.path("taskId")
				.asString()
				.equals(task))
			.findFirst()
			.orElseThrow();
		assertThat(message.path("method").asString()).isEqualTo("SendStreamingMessage");
		assertThat(message.path("params").path("metadata").path("nexus").path("leaseEpoch").asLong()).isEqualTo(1);
		assertThat(message.path("params").path("message").path("metadata").path("skill").asString())
			.isEqualTo("remote-run");

		JsonNode failed = awaitStatus(task("fail", "remote-run", 1, 60), "failed");
		assertThat(failed.path("status_reason").asString()).contains("boom");
		JsonNode garbage = awaitStatus(task("garbage", "remote-run", 1, 60), "failed");
		assertThat(garbage.path("status_reason").asString()).contains("not JSON");
	}

	@Test
	void aRemoteAgentWithoutStreamingIsAskedWithSendMessageAndPolledWithGetTask() {
		JsonNode registered = register("poll").json();
		assertThat(registered.path("streaming").asBoolean()).isFalse();
		String id = registered.path("id").asString();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/api/agents/" + id).json().path("online").asBoolean());
		JsonNode done = awaitStatus(task("poll me", "remote-poll", 1, 60), "completed");
		assertThat(done.path("result").path("text").asString()).isEqualTo("polled");
		assertThat(polls.values()).anySatisfy((count) -> assertThat(count.get()).isGreaterThanOrEqualTo(2));
	}

	@Test
	void anExpiredLeaseIsCancelledOnTheRemoteAndTheRetryRunsElsewhereRefusingTheLateAnswer() throws Exception {
		String id = register("slow").json().path("id").asString();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/api/agents/" + id).json().path("online").asBoolean());
		String task = task("hang", "remote-slow", 3, 2);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "in_progress".equals(this.api.get("/api/tasks/" + task).field("status")));
		// the retry must go elsewhere: the remote agent gets no new work
		assertThat(this.api.put("/api/agents/" + id, "{\"status\": \"paused\"}").status()).isEqualTo(200);
		String token = this.api
			.post("/api/agents", "{\"id\": \"ws-slow\", \"name\": \"ws-slow\", \"capabilities\": [\"remote-slow\"]}")
			.field("token");
		this.agents.start(this.agents.builder("ws-slow", token, (work) -> {
			// finishes only once the remote agent has sent its late answer for epoch 1
			lateAnswerSent.await(20, TimeUnit.SECONDS);
			return Map.of("by", "websocket");
		}, "remote-slow"));

		await().atMost(Duration.ofSeconds(15)).until(() -> !cancelled.isEmpty());
		JsonNode done = awaitStatus(task, "completed");
		assertThat(done.path("assigned_agent_id").asString()).isEqualTo("ws-slow");
		assertThat(done.path("lease_epoch").asLong()).isEqualTo(2);
		assertThat(lateAnswerSent.getCount()).isZero();
		assertThat(done.path("result").path("by").asString()).as("the late answer of epoch 1 was refused")
			.isEqualTo("websocket");
	}

	@Test
	void aRemoteAgentThatStopsAnsweringGoesOfflineAndCanBeDeleted() {
		String id = register("gone").json().path("id").asString();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/api/agents/" + id).json().path("online").asBoolean());
		down.put("gone", true);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !this.api.get("/api/agents/" + id).json().path("online").asBoolean());
		JsonNode remote = this.api.get("/api/a2a/agents/" + id).json();
		assertThat(remote.path("reachable").asBoolean()).isFalse();
		assertThat(remote.path("last_error").asString()).contains("503");
		down.put("gone", false);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/api/agents/" + id).json().path("online").asBoolean());

		assertThat(this.api.delete("/api/a2a/agents/" + id).status()).isEqualTo(204);
		assertThat(this.api.get("/api/a2a/agents/" + id).status()).isEqualTo(404);
		assertThat(this.api.get("/api/agents/" + id).status()).isEqualTo(404);
	}

	private Response register(String name) {
		return post("{\"card_url\": \"" + base() + "/cards/" + name + "\", \"auth_header\": \"Bearer s3cret\"}");
	}

	private Response post(String json) {
		return this.api.post("/api/a2a/agents", json);
	}

	private String task(String title, String capability, int maxAttempts, int timeoutSeconds) {
		return this.api
			.post("/api/tasks",
					"{\"title\": \"" + title + "\", \"required_capabilities\": [\"" + capability
							+ "\"], \"payload\": {\"x\": 7}, \"max_attempts\": " + maxAttempts
							+ ", \"timeout_seconds\": " + timeoutSeconds + "}")
			.field("id");
	}

	private JsonNode awaitStatus(String task, String status) {
		await().atMost(Duration.ofSeconds(20))
			.until(() -> status.equals(this.api.get("/api/tasks/" + task).field("status")));
		return this.api.get("/api/tasks/" + task).json();
	}

	private static String base() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	// the remote A2A agent

	private static void card(HttpExchange exchange) throws IOException {
		String name = exchange.getRequestURI().getPath().substring("/cards/".length());
		if (Boolean.TRUE.equals(down.get(name))) {
			respond(exchange, 503, "application/json", "{}");
			return;
		}
		if (name.equals("notjson")) {
			respond(exchange, 200, "application/json", "<html>");
			return;
		}
		String etag = "\"card-" + name + "\"";
		if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
			notModified.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
			exchange.getResponseHeaders().add("ETag", etag);
			exchange.sendResponseHeaders(304, -1);
			exchange.close();
			return;
		}
		cardFetches.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
		String skills = name.equals("noskills") ? "[]" : "[{\"id\": \"remote-" + name + "\", \"name\": \"" + name
				+ "\", \"description\": \"d\", \"tags\": []}]";
		exchange.getResponseHeaders().add("ETag", etag);
		respond(exchange, 200, "application/json", """
				{"name": "Remote %s", "description": "a test agent", "version": "1",
				 "supportedInterfaces": [{"url": "%s/rpc/%s", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
				 "capabilities": {"streaming": %s}, "defaultInputModes": ["text/plain"],
				 "defaultOutputModes": ["application/json"], "skills": %s}
				""".formatted(name, base(), name, !name.equals("poll"), skills));
	}

	private static void rpc(HttpExchange exchange) throws IOException {
		JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
		received.add(request);
		String method = request.path("method").asString();
		String id = request.path("id").asString();
		if (method.equals("CancelTask")) {
			String remoteId = request.path("params").path("id").asString();
			cancelled.add(remoteId);
			cancelLatches.computeIfAbsent(remoteId, (key) -> new CountDownLatch(1)).countDown();
			respond(exchange, 200, "application/json",
					"{\"jsonrpc\": \"2.0\", \"id\": \"" + id + "\", \"result\": {\"id\": \"" + remoteId
							+ "\", \"status\": {\"state\": \"TASK_STATE_CANCELED\"}}}");
			return;
		}
		if (method.equals("SendMessage")) {
			String remoteId = "remote-" + request.path("params").path("message").path("messageId").asString();
			respond(exchange, 200, "application/json",
					"{\"jsonrpc\": \"2.0\", \"id\": \"" + id + "\", \"result\": {\"task\": {\"id\": \"" + remoteId
							+ "\", \"contextId\": \"c\", \"status\": {\"state\": \"TASK_STATE_WORKING\"}}}}");
			return;
		}
		if (method.equals("GetTask")) {
			String remoteId = request.path("params").path("id").asString();
			boolean done = polls.computeIfAbsent(remoteId, (key) -> new AtomicInteger()).incrementAndGet() >= 2;
			respond(exchange, 200, "application/json", "{\"jsonrpc\": \"2.0\", \"id\": \"" + id
					+ "\", \"result\": {\"id\": \"" + remoteId + "\", \"contextId\": \"c\", \"status\": {\"state\": \""
					+ (done ? "TASK_STATE_COMPLETED" : "TASK_STATE_WORKING") + "\"}"
					+ (done ? ", \"artifacts\": [{\"artifactId\": \"a\", \"parts\": [{\"text\": \"polled\"}]}]" : "")
					+ "}}");
			return;
		}
		if (!method.equals("SendStreamingMessage")) {
			respond(exchange, 200, "application/json", "{\"jsonrpc\": \"2.0\", \"id\": \"" + id
					+ "\", \"error\": {\"code\": -32601, \"message\": \"no\"}}");
			return;
		}
		JsonNode message = request.path("params").path("message");
		String title = message.path("parts").get(0).path("text").asString();
		String remoteId = "remote-" + message.path("messageId").asString();
		exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
		exchange.sendResponseHeaders(200, 0);
		try (OutputStream out = exchange.getResponseBody()) {
			event(out, id, "{\"task\": {\"id\": \"" + remoteId
					+ "\", \"contextId\": \"c\", \"status\": {\"state\": \"TASK_STATE_SUBMITTED\"}}}");
			switch (title) {
				case "echo" -> {
					event(out, id, status(remoteId, "TASK_STATE_WORKING", "half way"));
					event(out, id,
							"{\"artifactUpdate\": {\"taskId\": \"" + remoteId
									+ "\", \"artifact\": {\"artifactId\": \"a1\", \"parts\": [{\"data\": {\"echo\": "
									+ message.path("parts").get(1).path("data") + "}}]}}}");
					event(out, id, status(remoteId, "TASK_STATE_COMPLETED", null));
				}
				case "fail" -> event(out, id, status(remoteId, "TASK_STATE_FAILED", "boom"));
				case "garbage" -> {
					out.write("data: this is not json\n\n".getBytes(StandardCharsets.UTF_8));
					out.flush();
				}
				case "hang" -> {
					event(out, id, status(remoteId, "TASK_STATE_WORKING", "thinking"));
					CountDownLatch cancel = cancelLatches.computeIfAbsent(remoteId, (key) -> new CountDownLatch(1));
					try {
						cancel.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					// the answer comes too late: its lease (epoch 1) was taken back
					event(out, id, "{\"artifactUpdate\": {\"taskId\": \"" + remoteId
							+ "\", \"artifact\": {\"artifactId\": \"a1\", \"parts\": [{\"data\": {\"by\": \"late\"}}]}}}");
					event(out, id, status(remoteId, "TASK_STATE_COMPLETED", null));
					lateAnswerSent.countDown();
				}
				default -> event(out, id, status(remoteId, "TASK_STATE_REJECTED", "unknown"));
			}
		}
		catch (IOException ex) {
			// Nexus closed the stream
		}
	}

	private static String status(String remoteId, String state, String text) {
		String message = (text != null)
				? ", \"message\": {\"messageId\": \"s\", \"role\": \"ROLE_AGENT\", \"parts\": [{\"text\": \"" + text
						+ "\"}]}"
				: "";
		return "{\"statusUpdate\": {\"taskId\": \"" + remoteId + "\", \"contextId\": \"c\", \"status\": {\"state\": \""
				+ state + "\"" + message + "}}}";
	}

	private static void event(OutputStream out, String id, String result) throws IOException {
		out.write(("data: {\"jsonrpc\": \"2.0\", \"id\": \"" + id + "\", \"result\": " + result + "}\n\n")
			.getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", type);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
