package io.nexus.server.dispatch;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.nexus.sdk.NexusAgent;
import io.nexus.sdk.ReceivedMessage;
import io.nexus.sdk.Recipient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.SdkAgents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real agents built with the Java SDK against a real server: work flows, crashes are
 * survived, drains finish, timeouts retry, enrollment works, agents talk.
 */
@TestPropertySource(properties = { "nexus.dispatch.ack-timeout=3s", "nexus.dispatch.reconnect-grace=1s",
		"nexus.dispatch.reaper-interval=200ms", "nexus.tasks.retry-backoff=100ms" })
class SdkEndToEndIntegrationTests extends ApiIntegrationTest {

	private SdkAgents agents;

	@BeforeEach
	void startAgents() {
		this.agents = new SdkAgents(this.port);
	}

	@AfterEach
	void stopAgents() {
		this.agents.close();
	}

	@Test
	void agentRunsTasksReportsProgressAndResults() {
		String[] credentials = register("worker", "echo", 2);
		this.agents.start(this.agents.builder(credentials[0], credentials[1], (context) -> {
			context.progress(50, "halfway");
			return Map.of("echo", context.payload().get("text").asString(), "attempt", context.attempt());
		}, "echo").maxConcurrency(2));
		List<String> tasks = List.of(
				createTask("{\"title\":\"a\",\"category\":\"echo\",\"payload\":{\"text\":\"hi\"}}"),
				createTask("{\"title\":\"b\",\"category\":\"echo\",\"payload\":{\"text\":\"yo\"}}"));
		for (String task : tasks) {
			await().until(() -> "completed".equals(status(task)));
		}
		Response done = this.api.get("/api/tasks/" + tasks.get(0));
		assertThat(done.json().get("result").get("echo").asString()).isEqualTo("hi");
		assertThat(done.json().get("result").get("attempt").asInt()).isEqualTo(1);
		assertThat(done.json().get("progress").asDouble()).isEqualTo(50.0);
		assertThat(this.api.get("/api/tasks/" + tasks.get(0) + "/events").json().findValuesAsString("to"))
			.containsExactly("queued", "assigned", "in_progress", "completed");
	}

	@Test
	void payloadsAndResultsNearTheLimitCrossTheSocketIntactInManyBufferLoads() {
		// far larger than the 2 KiB WebSocket and socket buffers: frames travel in parts
		String text = "0123456789abcdef".repeat(12_000);
		String[] credentials = register("bulky", "bulk", 1);
		this.agents.start(this.agents.builder(credentials[0], credentials[1],
				(context) -> Map.of("echo", context.payload().get("text").asString()), "bulk"));
		String task = createTask("{\"title\":\"big\",\"category\":\"bulk\",\"payload\":{\"text\":\"" + text + "\"}}");
		await().until(() -> "completed".equals(status(task)));
		assertThat(this.api.get("/api/tasks/" + task).json().get("result").get("echo").asString()).isEqualTo(text);
	}

	@Test
	void agentKilledMidTaskIsReplacedAndTheTaskCompletesExactlyOnce() throws Exception {
		String[] doomed = register("doomed", "crashy", 1);
		String[] rescuer = register("rescuer", "crashy", 1);
		CountDownLatch started = new CountDownLatch(1);
		NexusAgent dying = this.agents.start(this.agents.builder(doomed[0], doomed[1], (context) -> {
			started.countDown();
			Thread.sleep(60_000);
			return "never";
		}, "crashy"));
		String task = createTask("{\"title\":\"outlives its agent\",\"category\":\"crashy\"}");
		assertThat(started.await(15, TimeUnit.SECONDS)).isTrue();
		dying.kill();
		this.agents.start(this.agents.builder(rescuer[0], rescuer[1], (context) -> "rescued", "crashy"));
		await().until(() -> "completed".equals(status(task)));
		Response done = this.api.get("/api/tasks/" + task);
		assertThat(done.field("result")).isEqualTo("rescued");
		assertThat(done.field("assigned_agent_id")).isEqualTo(rescuer[0]);
		assertThat(done.json().get("attempts").asInt()).isEqualTo(2);
		assertThat(this.api.get("/api/tasks/" + task + "/events").json().findValuesAsString("to"))
			.containsOnlyOnce("completed");
	}

	@Test
	void closingAnAgentFinishesItsRunningTaskAndTakesNoMore() throws Exception {
		String[] credentials = register("drainer", "drain", 1);
		CountDownLatch release = new CountDownLatch(1);
		NexusAgent agent = this.agents.start(this.agents.builder(credentials[0], credentials[1], (context) -> {
			release.await(20, TimeUnit.SECONDS);
			return "finished while draining";
		}, "drain"));
		String running = createTask("{\"title\":\"running\",\"category\":\"drain\"}");
		await().until(() -> "in_progress".equals(status(running)));
		Thread closer = new Thread(agent::close);
		closer.start();
		release.countDown();
		closer.join(20_000);
		assertThat(status(running)).isEqualTo("completed");
		// the server learns of the close after the client has finished it
		await().until(() -> !this.api.get("/api/agents/" + credentials[0]).json().get("online").asBoolean());
		String later = createTask("{\"title\":\"later\",\"category\":\"drain\"}");
		assertThat(status(later)).isEqualTo("queued");
	}

	@Test
	void timedOutTaskIsCancelledOnTheAgentRetriedAndFinallyFailed() {
		String[] credentials = register("sluggish", "slow", 1);
		List<Boolean> sawCancel = new CopyOnWriteArrayList<>();
		this.agents.start(this.agents.builder(credentials[0], credentials[1], (context) -> {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (!context.isCancelled() && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			sawCancel.add(context.isCancelled());
			context.throwIfCancelled();
			return "too late";
		}, "slow"));
		String task = createTask("{\"title\":\"slow\",\"category\":\"slow\",\"timeout_seconds\":1,\"max_attempts\":2}");
		await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(status(task)));
		assertThat(this.api.get("/api/tasks/" + task).field("status_reason")).contains("gave up after 2 attempt(s)")
			.contains("timed out after 1s");
		await().until(() -> sawCancel.size() == 2);
		assertThat(sawCancel).containsOnly(true);
	}

	@Test
	void pausedAgentGetsNothingNewUntilResumed() {
		String[] credentials = register("napper", "nap", 1);
		this.agents.start(this.agents.builder(credentials[0], credentials[1], (context) -> "done", "nap"));
		assertThat(this.api.post("/api/agents/" + credentials[0] + "/pause", "").field("status")).isEqualTo("paused");
		String task = createTask("{\"title\":\"wait\",\"category\":\"nap\"}");
		assertThat(this.api.get("/api/tasks/" + task).field("waiting_reason")).contains("take no new work");
		assertThat(status(task)).isEqualTo("queued");
		this.api.post("/api/agents/" + credentials[0] + "/resume", "");
		await().until(() -> "completed".equals(status(task)));
	}

	@Test
	void operatorDrainPausesTheAgentOnceItsWorkIsDone() {
		String[] credentials = register("drained", "opdrain", 1);
		this.agents.start(this.agents.builder(credentials[0], credentials[1], (context) -> "done", "opdrain"));
		assertThat(this.api.post("/api/agents/" + credentials[0] + "/drain", "").field("status")).isIn("draining",
				"paused");
		await().until(() -> "paused".equals(this.api.get("/api/agents/" + credentials[0]).field("status")));
	}

	@Test
	void agentEnrolledWithAKeyGetsItsOwnToken() {
		Response key = this.api.post("/api/enrollment-keys",
				"{\"name\":\"fleet\",\"capabilities\":[\"enrolled\"],\"max_uses\":1}");
		assertThat(key.status()).isEqualTo(201);
		NexusAgent agent = this.agents.start(NexusAgent.builder()
			.serverUri(URI.create("ws://localhost:" + this.port + "/ws"))
			.enrollmentKey(key.field("key"))
			.agentId("self-enrolled")
			.capabilities("enrolled")
			.handler((context) -> "enrolled work"));
		assertThat(agent.issuedToken()).hasValueSatisfying((token) -> assertThat(token).startsWith("nxa_"));
		Response read = this.api.get("/api/agents/self-enrolled");
		assertThat(read.json().get("capabilities").get(0).asString()).isEqualTo("enrolled");
		String task = createTask("{\"title\":\"for the newcomer\",\"category\":\"enrolled\"}");
		await().until(() -> "completed".equals(status(task)));
		assertThat(this.api.get("/api/enrollment-keys").json().get(0).get("uses").asInt()).isEqualTo(1);
	}

	@Test
	void agentsMessageOneAnotherDirectlyAndByCapability() {
		String[] alice = register("alice", "chat", 1);
		String[] bob = register("bob", "chat", 1);
		AtomicReference<ReceivedMessage> bobGot = new AtomicReference<>();
		NexusAgent a = this.agents.start(this.agents.builder(alice[0], alice[1], (context) -> null, "chat"));
		NexusAgent b = this.agents.start(this.agents.builder(bob[0], bob[1], (context) -> null, "chat"));
		b.onMessage(bobGot::set);
		a.sendMessage(Recipient.agent(bob[0]), Map.of("hello", "bob"));
		await().until(() -> bobGot.get() != null);
		assertThat(bobGot.get().fromAgent()).isEqualTo(alice[0]);
		assertThat(bobGot.get().body().get("hello").asString()).isEqualTo("bob");
		bobGot.set(null);
		a.sendMessage(Recipient.capability("chat"), Map.of("all", true));
		await().until(() -> bobGot.get() != null);
		assertThat(bobGot.get().body().get("all").asBoolean()).isTrue();
	}

	private String[] register(String name, String capability, int concurrency) {
		Response response = this.api.post("/api/agents", "{\"name\":\"" + name + "\",\"capabilities\":[\"" + capability
				+ "\"],\"max_concurrency\":" + concurrency + "}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return new String[] { response.field("id"), response.field("token") };
	}

	private String createTask(String json) {
		Response response = this.api.post("/api/tasks", json);
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

	private String status(String task) {
		return this.api.get("/api/tasks/" + task).field("status");
	}

}
