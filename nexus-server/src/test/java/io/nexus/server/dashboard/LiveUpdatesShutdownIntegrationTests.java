package io.nexus.server.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node stopping gracefully ends the dashboard's live streams and the A2A task streams
 * itself. A stream is a request that never finishes on its own, so one left open would
 * hold the web server's graceful shutdown for the whole shutdown timeout (here ten
 * minutes, far longer than the test waits).
 */
class LiveUpdatesShutdownIntegrationTests {

	private static final String PASSWORD = "live-updates-password";

	@TempDir
	Path dataDir;

	@Test
	void aGracefulStopEndsTheOpenDashboardAndA2aStreams() throws Exception {
		ConfigurableApplicationContext node = new SpringApplicationBuilder(NexusApplication.class).run(
				"--server.port=0", "--server.shutdown=graceful", "--spring.lifecycle.timeout-per-shutdown-phase=10m",
				"--NEXUS_DATA_DIR=" + this.dataDir, "--nexus.security.admin-password=" + PASSWORD);
		CompletableFuture<Void> stopped = null;
		try {
			int port = Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
			String token = new ApiClient(port).login("admin", PASSWORD).token();
			HttpResponse<Stream<String>> stream = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/dashboard/events"))
					.header("Accept", "text/event-stream")
					.header("Authorization", "Bearer " + token)
					.GET()
					.build(), HttpResponse.BodyHandlers.ofLines());
			assertThat(stream.statusCode()).isEqualTo(200);
			LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
			AtomicBoolean ended = new AtomicBoolean();
			Thread reader = new Thread(() -> {
				try {
					stream.body().forEach(lines::add);
				}
				finally {
					ended.set(true);
				}
			}, "sse-reader");
			reader.setDaemon(true);
			reader.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("data:connected"));
			// an A2A stream of a task no agent can take: it stays open until the node
			// stops
			HttpResponse<Stream<String>> a2a = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/a2a/v1/message:stream"))
					.header("Accept", "text/event-stream")
					.header("Content-Type", "application/json")
					.header("A2A-Version", "1.0")
					.header("Authorization", "Bearer " + token)
					.POST(HttpRequest.BodyPublishers.ofString("""
							{"message": {"messageId": "shutdown-1", "role": "ROLE_USER", "parts": [{"text": "wait"}],
							  "metadata": {"skill": "nobody-has-this"}}}"""))
					.build(), HttpResponse.BodyHandlers.ofLines());
			assertThat(a2a.statusCode()).isEqualTo(200);
			LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
			AtomicBoolean a2aEnded = new AtomicBoolean();
			Thread a2aReader = new Thread(() -> {
				try {
					a2a.body().forEach(events::add);
				}
				finally {
					a2aEnded.set(true);
				}
			}, "a2a-reader");
			a2aReader.setDaemon(true);
			a2aReader.start();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> events.stream().anyMatch((line) -> line.contains("\"task\"")));

			stopped = CompletableFuture.runAsync(node::close);
			await().atMost(Duration.ofSeconds(30)).untilTrue(ended);
			await().atMost(Duration.ofSeconds(30)).untilTrue(a2aEnded);
			await().atMost(Duration.ofSeconds(30)).until(stopped::isDone);
			assertThat(stopped).isCompleted().isNotCompletedExceptionally();
		}
		finally {
			if (stopped == null) {
				node.close();
			}
		}
	}

}
