package io.nexus.sdk;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import io.nexus.protocol.frames.Ack;
import io.nexus.protocol.frames.ErrorFrame;
import io.nexus.protocol.frames.Registered;
import io.nexus.protocol.frames.TaskLease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class NexusAgentReconnectTests {

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
	void reconnectsAndResendsAResultNexusDidNotAcknowledge() throws Exception {
		FakeNexusServer.Connection first = startRegistered((builder) -> builder.handler((task) -> "done"));
		Wire.send(first, Tasks.assigned("t1", 4, null));
		Wire.expect(first, "task_accept");
		JsonNode complete = Wire.expect(first, "task_complete");
		first.drop();
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.agent.isConnected());

		FakeNexusServer.Connection second = this.server.nextConnection();
		JsonNode register = Wire.expect(second, "agent_register");
		assertThat(register.path("running_tasks").toString()).isEqualTo("[{\"task_id\":\"t1\",\"lease_epoch\":4}]");
		Wire.send(second, new Registered("agent-1", 60, null, List.of(new TaskLease("t1", 4))));
		JsonNode resent = Wire.expect(second, "task_complete");
		assertThat(resent).isEqualTo(complete);
		Wire.send(second, new Ack(resent.path("id").asString(), "t1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.agent.runningTasks().isEmpty());
	}

	@Test
	void stopsWorkingOnLeasesNexusDidNotResume() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
		FakeNexusServer.Connection first = startRegistered((builder) -> builder.handler((task) -> {
			running.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.complete(task.isCancelled());
			}
			return null;
		}));
		Wire.send(first, Tasks.assigned("t1", 1, null));
		Wire.expect(first, "task_accept");
		assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
		first.close(1001, "server restarting");

		FakeNexusServer.Connection second = this.server.nextConnection();
		JsonNode register = Wire.expect(second, "agent_register");
		assertThat(register.path("running_tasks").get(0).path("task_id").asString()).isEqualTo("t1");
		assertThat(interrupted).isNotDone();
		Wire.send(second, new Registered("agent-1", 60, null, List.of()));
		assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.agent.runningTasks()).isEmpty();
	}

	@Test
	void forgetsAResultRefusedAsStale() throws Exception {
		FakeNexusServer.Connection first = startRegistered((builder) -> builder.handler((task) -> "late"));
		Wire.send(first, Tasks.assigned("t1", 1, null));
		Wire.expect(first, "task_accept");
		JsonNode complete = Wire.expect(first, "task_complete");
		Wire.send(first, new ErrorFrame(complete.path("id").asString(), "stale_lease", "lease 1 is stale"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.agent.runningTasks().isEmpty());
		first.drop();
		FakeNexusServer.Connection second = this.server.nextConnection();
		assertThat(Wire.expect(second, "agent_register").path("running_tasks").isEmpty()).isTrue();
	}

	@Test
	void keepsAndResendsAResultRefusedAsRetryableUntilAcknowledged() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch accepted = new CountDownLatch(1);
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> {
			runs.incrementAndGet();
			accepted.await();
			return "done";
		}));
		Wire.send(connection, Tasks.assigned("t1", 2, null));
		JsonNode accept = Wire.expect(connection, "task_accept");
		Wire.send(connection, ErrorFrame.unavailable(accept.path("id").asString(), "database away"));
		JsonNode acceptAgain = Wire.expect(connection, "task_accept");
		assertThat(acceptAgain).isEqualTo(accept);
		Wire.send(connection, new Ack(accept.path("id").asString(), "t1"));
		accepted.countDown();
		JsonNode complete = Wire.expect(connection, "task_complete");
		for (int i = 0; i < 3; i++) {
			Wire.send(connection, ErrorFrame.unavailable(complete.path("id").asString(), "database away"));
			assertThat(Wire.expect(connection, "task_complete")).isEqualTo(complete);
			assertThat(this.agent.runningTasks()).containsExactly("t1");
		}
		Wire.send(connection, new Ack(complete.path("id").asString(), "t1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.agent.runningTasks().isEmpty());
		assertThat(runs).hasValue(1);
	}

	@Test
	void dropsAResultRefusedForGoodAfterRetryableRefusals() throws Exception {
		FakeNexusServer.Connection connection = startRegistered((builder) -> builder.handler((task) -> "done"));
		Wire.send(connection, Tasks.assigned("t1", 2, null));
		Wire.expect(connection, "task_accept");
		JsonNode complete = Wire.expect(connection, "task_complete");
		Wire.send(connection, ErrorFrame.unavailable(complete.path("id").asString(), "database away"));
		assertThat(Wire.expect(connection, "task_complete")).isEqualTo(complete);
		Wire.send(connection, new ErrorFrame(complete.path("id").asString(), "stale_lease", "lease 2 is stale"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.agent.runningTasks().isEmpty());
	}

	@Test
	void failsOverToTheNextServerAndResumesItsLeasesThere() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		try (FakeNexusServer other = new FakeNexusServer()) {
			this.agent = NexusAgent.builder()
				.serverUris(this.server.uri(), other.uri())
				.agentId("agent-1")
				.token("nxa_test")
				.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
				.handler((task) -> {
					runs.incrementAndGet();
					release.await();
					return "done";
				})
				.build();
			this.agent.start();
			FakeNexusServer.Connection first = this.server.nextConnection();
			Wire.expect(first, "agent_register");
			Wire.send(first, new Registered("agent-1", 60, null, List.of()));
			Wire.send(first, Tasks.assigned("t1", 3, null));
			JsonNode accept = Wire.expect(first, "task_accept");
			Wire.send(first, new Ack(accept.path("id").asString(), "t1"));
			first.close(1001, "node stopping");

			FakeNexusServer.Connection second = other.nextConnection();
			JsonNode register = Wire.expect(second, "agent_register");
			assertThat(register.path("running_tasks").toString()).isEqualTo("[{\"task_id\":\"t1\",\"lease_epoch\":3}]");
			Wire.send(second, new Registered("agent-1", 60, null, List.of(new TaskLease("t1", 3))));
			release.countDown();
			JsonNode complete = Wire.expect(second, "task_complete");
			assertThat(complete.path("lease_epoch").asLong()).isEqualTo(3);
			Wire.send(second, new Ack(complete.path("id").asString(), "t1"));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.agent.runningTasks().isEmpty());
			assertThat(runs).hasValue(1);
		}
	}

	@Test
	void enrollsWithAKeyAndUsesTheIssuedTokenFromThenOn() throws Exception {
		this.agent = agent((builder) -> builder.enrollmentKey("nxe_key").handler((task) -> null));
		this.agent.start();
		FakeNexusServer.Connection first = this.server.nextConnection();
		assertThat(first.header("Authorization")).isNull();
		assertThat(Wire.expect(first, "agent_register").path("token").asString()).isEqualTo("nxe_key");
		Wire.send(first, new Registered("agent-1", 60, "nxa_issued", List.of()));
		assertThat(this.agent.awaitRegistered(Duration.ofSeconds(5))).isTrue();
		assertThat(this.agent.issuedToken()).contains("nxa_issued");
		first.drop();

		FakeNexusServer.Connection second = this.server.nextConnection();
		assertThat(second.header("Authorization")).isEqualTo("Bearer nxa_issued");
		assertThat(Wire.expect(second, "agent_register").path("token").asString()).isEqualTo("nxa_issued");
	}

	@Test
	void stopsAndSurfacesRefusedCredentials() throws Exception {
		this.agent = agent((builder) -> builder.token("nxa_revoked").handler((task) -> null));
		this.agent.start();
		FakeNexusServer.Connection connection = this.server.nextConnection();
		Wire.expect(connection, "agent_register");
		Wire.send(connection, new ErrorFrame(null, "unauthorized", "unknown token"));
		connection.close(4401, "bad credentials");
		assertThatExceptionOfType(AgentRejectedException.class)
			.isThrownBy(() -> this.agent.awaitRegistered(Duration.ofSeconds(5)))
			.withMessageContaining("bad credentials")
			.withMessageContaining("unknown token");
		this.agent.close();
		assertThat(this.server.pollConnection(Duration.ofMillis(300))).isNull();
	}

	@Test
	void stopsWhenAnotherProcessTookItsPlace() throws Exception {
		FakeNexusServer.Connection first = startRegistered((builder) -> builder.handler((task) -> null));
		first.close(4409, "replaced by a new connection");
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.agent.isConnected());
		assertThatExceptionOfType(AgentRejectedException.class)
			.isThrownBy(() -> this.agent.awaitRegistered(Duration.ofSeconds(5)))
			.withMessageContaining("4409")
			.withMessageContaining("replaced by a new connection");
		assertThat(this.server.pollConnection(Duration.ofMillis(300))).isNull();
	}

	@Test
	void retriesWhenNexusDoesNotAnswerTheRegistration() throws Exception {
		this.agent = agent((builder) -> builder.token("nxa_test")
			.registrationTimeout(Duration.ofMillis(200))
			.handler((task) -> null));
		this.agent.start();
		Wire.expect(this.server.nextConnection(), "agent_register");
		FakeNexusServer.Connection second = this.server.nextConnection();
		Wire.expect(second, "agent_register");
		Wire.send(second, new Registered("agent-1", 60, null, List.of()));
		assertThat(this.agent.awaitRegistered(Duration.ofSeconds(5))).isTrue();
	}

	@Test
	void retriesARegistrationRefusedAsRetryableAtOnce() throws Exception {
		this.agent = agent((builder) -> builder.token("nxa_test").handler((task) -> null));
		this.agent.start();
		FakeNexusServer.Connection first = this.server.nextConnection();
		JsonNode register = Wire.expect(first, "agent_register");
		Wire.send(first, ErrorFrame.unavailable(register.path("id").asString(null), "database away"));
		FakeNexusServer.Connection second = this.server.nextConnection();
		Wire.expect(second, "agent_register");
		Wire.send(second, new Registered("agent-1", 60, null, List.of()));
		assertThat(this.agent.awaitRegistered(Duration.ofSeconds(5))).isTrue();
	}

	@Test
	void reconnectsAtOnceWhenItsNodeShutsDown() throws Exception {
		// a backoff of an hour: only close code 4503 brings the agent back within the
		// wait
		FakeNexusServer.Connection first = startRegistered((
				builder) -> builder.reconnectBackoff(Duration.ofHours(1), Duration.ofHours(1)).handler((task) -> null));
		first.close(4503, "reconnect: this node is shutting down");
		Wire.expect(this.server.nextConnection(), "agent_register");
	}

	@Test
	void retriesAfterAProtocolError() throws Exception {
		FakeNexusServer.Connection first = startRegistered((builder) -> builder.handler((task) -> null));
		first.close(4400, "protocol error");
		Wire.expect(this.server.nextConnection(), "agent_register");
	}

	private FakeNexusServer.Connection startRegistered(UnaryOperator<NexusAgentBuilder> customizer) throws Exception {
		this.agent = agent((builder) -> customizer.apply(builder.token("nxa_test")));
		this.agent.start();
		FakeNexusServer.Connection connection = this.server.nextConnection();
		Wire.expect(connection, "agent_register");
		Wire.send(connection, new Registered("agent-1", 60, null, List.of()));
		assertThat(this.agent.awaitRegistered(Duration.ofSeconds(5))).isTrue();
		return connection;
	}

	private NexusAgent agent(UnaryOperator<NexusAgentBuilder> customizer) {
		NexusAgentBuilder builder = NexusAgent.builder()
			.serverUri(this.server.uri())
			.agentId("agent-1")
			.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
		return customizer.apply(builder).build();
	}

}
