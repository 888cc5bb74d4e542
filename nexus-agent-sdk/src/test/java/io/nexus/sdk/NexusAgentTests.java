package io.nexus.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.nexus.protocol.frames.Ack;
import io.nexus.protocol.frames.AgentMessage;
import io.nexus.protocol.frames.Ping;
import io.nexus.protocol.frames.Registered;
import io.nexus.protocol.frames.TaskCancel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class NexusAgentTests {

	private FakeNexusServer server;

	private NexusAgent agent;

	@BeforeEach
	void startServer() throws Exception {
		this.server = new FakeNexusServer();
	}

	@AfterEach
	void stop() throws Exception {
		if (this.agent != null) {
			this.agent.kill();
		}
		this.server.close();
	}

	@Test
	void registersWithItsIdentityAndToken() throws Exception {
		FakeNexusServer.Connection connection = start((builder) -> builder.handler((task) -> null));
		assertThat(connection.header("Authorization")).isEqualTo("Bearer nxa_test");
		JsonNode register = Wire.expect(connection, "agent_register");
		assertThat(register.path("agent_id").asString()).isEqualTo("agent-1");
		assertThat(register.path("agent_name").asString()).isEqualTo("Agent One");
		assertThat(register.path("token").asString()).isEqualTo("nxa_test");
		assertThat(register.path("capabilities").toString()).isEqualTo("[\"echo\"]");
		assertThat(register.path("max_concurrency").asInt()).isEqualTo(2);
		assertThat(register.path("protocol_version").asInt()).isEqualTo(1);
		assertThat(register.path("running_tasks").isEmpty()).isTrue();
		assertThat(this.agent.isConnected()).isFalse();
		Wire.send(connection, new Registered("agent-1", 60, null, List.of()));
		assertThat(this.agent.awaitRegistered(Duration.ofSeconds(5))).isTrue();
		assertThat(this.agent.isConnected()).isTrue();
		assertThat(this.agent.agentId()).isEqualTo("agent-1");
	}

	@Test
	void acceptsReportsProgressCompletesAndForgetsTheTaskOnceAcknowledged() throws Exception {
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> {
			task.progress(50, "half way");
			return Map.of("echo", task.payload().path("text").asString());
		}));
		Wire.send(connection, Tasks.assigned("t1", 3, Map.of("text", "hello")));
		JsonNode accept = Wire.expect(connection, "task_accept");
		assertThat(accept.path("task_id").asString()).isEqualTo("t1");
		assertThat(accept.path("lease_epoch").asLong()).isEqualTo(3);
		assertThat(accept.path("id").isString()).isTrue();
		JsonNode progress = Wire.expect(connection, "task_progress");
		assertThat(progress.path("progress").asDouble()).isEqualTo(50.0);
		assertThat(progress.path("message").asString()).isEqualTo("half way");
		JsonNode complete = Wire.expect(connection, "task_complete");
		assertThat(complete.path("lease_epoch").asLong()).isEqualTo(3);
		assertThat(complete.path("result").toString()).isEqualTo("{\"echo\":\"hello\"}");
		assertThat(this.agent.runningTasks()).containsExactly("t1");
		Wire.send(connection, new Ack(complete.path("id").asString(), "t1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.agent.runningTasks().isEmpty());
	}

	@Test
	void reportsExceptionsAsRetryableFailuresUnlessTheHandlerSaysOtherwise() throws Exception {
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> {
			if (task.taskId().equals("bad-input")) {
				throw new NonRetryableTaskException("payload has no text");
			}
			throw new IllegalStateException("disk full");
		}));
		Wire.send(connection, Tasks.assigned("flaky", 1, null));
		Wire.expect(connection, "task_accept");
		JsonNode retryable = Wire.expect(connection, "task_fail");
		assertThat(retryable.path("error").asString()).isEqualTo("IllegalStateException: disk full");
		assertThat(retryable.path("retryable").asBoolean()).isTrue();
		Wire.send(connection, Tasks.assigned("bad-input", 1, null));
		Wire.expect(connection, "task_accept");
		JsonNode final_ = Wire.expect(connection, "task_fail");
		assertThat(final_.path("error").asString()).isEqualTo("payload has no text");
		assertThat(final_.path("retryable").asBoolean()).isFalse();
	}

	@Test
	void cancelInterruptsTheHandlerAndSendsNothingMoreForTheLease() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> {
			running.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.complete(task.isCancelled());
			}
			return "too late";
		}));
		Wire.send(connection, Tasks.assigned("t1", 2, null));
		Wire.expect(connection, "task_accept");
		assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
		Wire.send(connection, new TaskCancel("t1", 2, "cancelled by operator"));
		assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
		Wire.send(connection, new Ping(1L));
		Wire.send(connection, new Ping(2L));
		assertThat(Wire.expect(connection, "heartbeat").path("running_tasks").isEmpty()).isTrue();
		Wire.expect(connection, "heartbeat");
		assertThat(this.agent.runningTasks()).isEmpty();
	}

	@Test
	void answersAPingWithAHeartbeat() throws Exception {
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> null));
		Wire.send(connection, new Ping(1L));
		JsonNode heartbeat = Wire.expect(connection, "heartbeat");
		assertThat(heartbeat.path("memory_usage").asDouble()).isBetween(0.0, 100.0);
		assertThat(heartbeat.path("running_tasks").isArray()).isTrue();
		assertThat(heartbeat.path("sent_at").asLong()).isPositive();
	}

	@Test
	void sendsHeartbeatsAtTheIntervalNexusAsks() throws Exception {
		FakeNexusServer.Connection connection = start((builder) -> builder.handler((task) -> null));
		Wire.expect(connection, "agent_register");
		Wire.send(connection, new Registered("agent-1", 1, null, List.of()));
		Wire.expect(connection, "heartbeat");
		Wire.expect(connection, "heartbeat");
	}

	@Test
	void exchangesMessagesWithOtherAgents() throws Exception {
		CompletableFuture<ReceivedMessage> received = new CompletableFuture<>();
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> null));
		this.agent.onMessage(received::complete);
		this.agent.sendMessage(Recipient.capability("review"), Map.of("diff", "+1")).get(5, TimeUnit.SECONDS);
		JsonNode sent = Wire.expect(connection, "message");
		assertThat(sent.path("to_capability").asString()).isEqualTo("review");
		assertThat(sent.has("to_agent")).isFalse();
		assertThat(sent.path("body").toString()).isEqualTo("{\"diff\":\"+1\"}");
		Wire.send(connection, new AgentMessage(AgentMessage.TYPE, null, "agent-1", null, "agent-2", Map.of("ok", 1)));
		ReceivedMessage message = received.get(5, TimeUnit.SECONDS);
		assertThat(message.fromAgent()).isEqualTo("agent-2");
		assertThat(message.body().path("ok").asInt()).isEqualTo(1);
	}

	@Test
	void closeRefusesNewTasksLetsRunningOnesFinishThenClosesNormally() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> {
			release.await();
			return "done";
		}));
		Wire.send(connection, Tasks.assigned("t1", 1, null));
		Wire.expect(connection, "task_accept");
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.agent::close);
		// an assignment that arrives before the drain has begun may still be taken: each
		// try
		// is a fresh task, until one is refused
		AtomicInteger tries = new AtomicInteger();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			String id = "t2-" + tries.incrementAndGet();
			Wire.send(connection, Tasks.assigned(id, 1, null));
			JsonNode frame = answerAbout(connection, id);
			assertThat(frame.path("type").asString()).isEqualTo("task_fail");
			assertThat(frame.path("error").asString()).isEqualTo("agent draining");
			assertThat(frame.path("retryable").asBoolean()).isTrue();
		});
		release.countDown();
		// t1 (and any task taken before the drain) finishes; the close waits until each
		// result is acknowledged
		boolean firstCompleted = false;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!closed.isDone() && System.nanoTime() < deadline) {
			String text = connection.pollText(100);
			JsonNode frame = (text != null) ? JsonMapper.shared().readTree(text) : null;
			if (frame != null && "task_complete".equals(frame.path("type").asString())) {
				String taskId = frame.path("task_id").asString();
				if (taskId.equals("t1")) {
					assertThat(closed).isNotDone();
					firstCompleted = true;
				}
				Wire.send(connection, new Ack(frame.path("id").asString(), taskId));
			}
		}
		assertThat(firstCompleted).isTrue();
		closed.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> connection.closeCode() == 1000);
		assertThat(this.agent.isConnected()).isFalse();
	}

	/**
	 * The next frame about a task, skipping heartbeats and frames about other tasks.
	 */
	private static JsonNode answerAbout(FakeNexusServer.Connection connection, String taskId)
			throws InterruptedException {
		while (true) {
			JsonNode frame = JsonMapper.shared().readTree(connection.nextText());
			if (taskId.equals(frame.path("task_id").asString())) {
				return frame;
			}
		}
	}

	@Test
	void killDropsTheConnectionWithoutAGoodbye() throws Exception {
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> null));
		this.agent.kill();
		await().atMost(Duration.ofSeconds(5)).until(connection::isClosed);
		assertThat(connection.closeCode()).isEqualTo(-1);
		assertThat(this.agent.isConnected()).isFalse();
	}

	private FakeNexusServer.Connection startRegistered(UnaryOperator<NexusAgentBuilder> customizer) throws Exception {
		FakeNexusServer.Connection connection = start(customizer);
		Wire.expect(connection, "agent_register");
		Wire.send(connection, new Registered("agent-1", 60, null, List.of()));
		assertThat(this.agent.awaitRegistered(Duration.ofSeconds(5))).isTrue();
		return connection;
	}

	private FakeNexusServer.Connection start(UnaryOperator<NexusAgentBuilder> customizer) throws Exception {
		this.agent = customizer
			.apply(NexusAgent.builder()
				.serverUri(this.server.uri())
				.token("nxa_test")
				.agentId("agent-1")
				.name("Agent One")
				.capabilities("echo")
				.maxConcurrency(2)
				.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50)))
			.build();
		this.agent.start();
		return this.server.nextConnection();
	}

}
