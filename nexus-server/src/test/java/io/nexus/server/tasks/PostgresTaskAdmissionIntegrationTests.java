package io.nexus.server.tasks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.PostgresDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Admission control in front of the creation writer: when more tasks wait to be written
 * than {@code nexus.tasks.create-queue-capacity}, a create request is answered at once
 * with 503 and {@code Retry-After}, and none of it is stored; the queued requests still
 * succeed.
 */
@PostgresDatabase
@TestPropertySource(properties = "nexus.tasks.create-queue-capacity=2")
class PostgresTaskAdmissionIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private DataSource dataSource;

	@Test
	void aFullCreationQueueAnswers503WithRetryAfterAndStoresNothing() throws SQLException {
		String gate = created(this.api.post("/api/tasks", "{\"title\":\"gate\",\"category\":\"admission\"}"));
		CompletableFuture<Response> blocked;
		CompletableFuture<Response> queued;
		try (Connection holder = this.dataSource.getConnection()) {
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder.prepareStatement("SELECT id FROM tasks WHERE id = ? FOR UPDATE")) {
				lock.setString(1, gate);
				lock.executeQuery().close();
			}
			// the writer takes this batch and waits for the lock on its dependency
			blocked = CompletableFuture.supplyAsync(() -> this.api.post("/api/tasks/batch",
					"{\"tasks\":[{\"id\":\"after-gate\",\"title\":\"after\",\"dependencies\":[\"" + gate + "\"]}]}"));
			await().until(() -> waitingForLocks() > 0);
			// an empty queue takes even a unit heavier than its capacity
			queued = CompletableFuture.supplyAsync(() -> this.api.post("/api/tasks/batch",
					"{\"tasks\":[{\"id\":\"q1\",\"title\":\"q\"},{\"id\":\"q2\",\"title\":\"q\"},"
							+ "{\"id\":\"q3\",\"title\":\"q\"}]}"));
			await().until(() -> this.api.post("/api/tasks", "{\"id\":\"probe\",\"title\":\"probe\"}").status() == 503);

			Response refused = this.api.post("/api/tasks/batch", "{\"tasks\":[{\"id\":\"refused\",\"title\":\"r\"}]}");
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:overloaded");
			assertThat(refused.header("Retry-After")).isEqualTo("1");
			assertThat(this.api.get("/api/tasks/refused").status()).isEqualTo(404);
			assertThat(this.api.get("/api/tasks/probe").status()).isEqualTo(404);
			holder.rollback();
		}
		assertThat(blocked.join().status()).isEqualTo(201);
		assertThat(queued.join().status()).isEqualTo(201);
		assertThat(this.api.get("/api/tasks/q3").field("status")).isEqualTo("queued");
		assertThat(this.api.post("/api/tasks", "{\"id\":\"probe\",\"title\":\"probe\"}").status()).isEqualTo(201);
	}

	private long waitingForLocks() {
		return this.jdbc.sql("SELECT COUNT(*) FROM pg_locks WHERE NOT granted").query(Long.class).single();
	}

	private static String created(Response response) {
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.field("id");
	}

}
