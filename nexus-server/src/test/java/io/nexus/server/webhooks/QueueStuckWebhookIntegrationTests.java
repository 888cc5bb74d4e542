package io.nexus.server.webhooks;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.webhooks.WebhookReceiver.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code queue.stuck} fires once when the oldest queued task has waited past the
 * threshold, not again while the queue stays stuck, and again in a new episode after the
 * queue moved.
 */
@TestPropertySource(properties = { "nexus.webhooks.allowed-networks=127.0.0.1/32", "nexus.webhooks.poll-interval=100ms",
		"nexus.webhooks.queue-stuck-after=1s", "nexus.webhooks.queue-check-interval=200ms" })
class QueueStuckWebhookIntegrationTests extends ApiIntegrationTest {

	private WebhookReceiver receiver;

	@BeforeEach
	void startReceiver() throws IOException {
		this.receiver = new WebhookReceiver();
	}

	@AfterEach
	void stopReceiver() {
		this.receiver.close();
	}

	@Test
	void aStuckQueueIsAnnouncedOncePerEpisode() {
		Response created = this.api.post("/api/webhooks",
				"{\"url\":\"" + this.receiver.url("/stuck") + "\",\"event_types\":[\"queue.stuck\"]}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String first = queuedTask();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.receiver.acknowledged().size() == 1);
		JsonNode event = JsonMapper.shared().readTree(this.receiver.acknowledged().get(0).body());
		assertThat(event.get("type").asString()).isEqualTo("queue.stuck");
		assertThat(event.get("data").get("oldest_task_id").asString()).isEqualTo(first);
		assertThat(event.get("data").get("waited_seconds").asLong()).isGreaterThanOrEqualTo(1);
		assertThat(event.get("data").get("threshold_seconds").asLong()).isEqualTo(1);
		assertThat(WebhookIntegrationTests.verify(this.receiver.acknowledged().get(0), created.field("secret")))
			.isTrue();
		// still stuck: the checks go on every 200 ms without another event
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> this.receiver.acknowledged().size() == 1);

		assertThat(this.api.post("/api/tasks/" + first + "/cancel", "{}").status()).isEqualTo(200);
		String second = queuedTask();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.receiver.acknowledged().size() == 2);
		List<Received> events = this.receiver.acknowledged();
		assertThat(JsonMapper.shared().readTree(events.get(1).body()).get("data").get("oldest_task_id").asString())
			.isEqualTo(second);
		assertThat(events.get(1).id()).isNotEqualTo(events.get(0).id());
		this.api.post("/api/tasks/" + second + "/cancel", "{}");
	}

	private String queuedTask() {
		return this.api.post("/api/tasks", "{\"title\":\"nobody serves this\",\"category\":\"wh-stuck\"}").field("id");
	}

}
