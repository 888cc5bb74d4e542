package io.nexus.server.tasks.web;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Only {@code nexus.tasks.create-readers} create requests read their bodies at once; one
 * that cannot get a turn within {@code create-read-wait} gets 503 {@code overloaded} with
 * {@code Retry-After} and stores nothing, and the turn frees as soon as a request's tasks
 * are handed to the writer.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
@TestPropertySource(properties = { "nexus.tasks.create-readers=1", "nexus.tasks.create-read-wait=300ms" })
class CreationGateIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private CreationGate gate;

	@Test
	void aCreateThatCannotBeReadInTimeIsRefusedWith503AndTheSlowOneStillSucceeds() throws Exception {
		String body = "{\"title\":\"slowly sent\",\"category\":\"gate\"}";
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		try (Socket slow = new Socket("localhost", this.port)) {
			OutputStream out = slow.getOutputStream();
			out.write(("POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
					+ "Authorization: Bearer " + this.api.token() + "\r\nContent-Length: " + bytes.length
					+ "\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(bytes, 0, 10);
			out.flush();
			// the slow request holds the only turn while its body trickles in
			await().until(() -> this.gate.free() == 0);

			Response refused = this.api.post("/api/tasks", "{\"title\":\"refused\",\"category\":\"gate\"}");
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.problemType()).endsWith("overloaded");
			assertThat(refused.header("Retry-After")).isEqualTo("1");
			assertThat(this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE title = 'refused'").query(Long.class).single())
				.isZero();

			out.write(bytes, 10, bytes.length - 10);
			out.flush();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(slow.getInputStream(), StandardCharsets.UTF_8));
			assertThat(in.readLine()).startsWith("HTTP/1.1 201");
		}
		// the turn is back: the next create goes through
		assertThat(this.gate.free()).isEqualTo(1);
		assertThat(this.api.post("/api/tasks", "{\"title\":\"after\",\"category\":\"gate\"}").status()).isEqualTo(201);
	}

	@Test
	void aRequestThatFailsItsChecksGivesItsTurnBack() {
		Response bad = this.api.post("/api/tasks", "{\"title\":\"\"}");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(this.gate.free()).isEqualTo(1);
		Response batch = this.api.post("/api/tasks/batch",
				"{\"tasks\":[{\"title\":\"in a batch\",\"category\":\"gate\"}]}");
		assertThat(batch.status()).isEqualTo(201);
		assertThat(this.gate.free()).isEqualTo(1);
	}

}
