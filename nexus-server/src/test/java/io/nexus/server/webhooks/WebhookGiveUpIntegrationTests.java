package io.nexus.server.webhooks;

import java.io.IOException;
import java.time.Duration;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.webhooks.WebhookReceiver.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.springframework.test.context.TestPropertySource;

/**
 * A receiver that never recovers: each delivery is given up after the retry period and
 * marked failed, and the subscription, failing for longer than
 * {@code nexus.webhooks.disable-after}, is disabled and the admins are told (audit event,
 * metric). Periods of a second or less instead of a day, by settings.
 */
@TestPropertySource(properties = { "nexus.webhooks.allowed-networks=127.0.0.1/32",
		"nexus.webhooks.initial-backoff=100ms", "nexus.webhooks.max-backoff=200ms",
		"nexus.webhooks.poll-interval=100ms", "nexus.webhooks.retry-period=700ms", "nexus.webhooks.disable-after=2s" })
class WebhookGiveUpIntegrationTests extends ApiIntegrationTest {

	private WebhookReceiver receiver;

	@BeforeEach
	void startReceiver() throws IOException {
		this.receiver = new WebhookReceiver();
		this.receiver.mode(Mode.FAIL);
	}

	@AfterEach
	void stopReceiver() {
		this.receiver.close();
	}

	@Test
	void aDeliveryIsGivenUpAfterTheRetryPeriodAndAFailingSubscriptionIsDisabled() {
		Response created = this.api.post("/api/webhooks",
				"{\"url\":\"" + this.receiver.url("/down") + "\",\"event_types\":[\"task.cancelled\"]}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.field("id");
		cancelTask();
		await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(firstDelivery(id).get("status").asString()));
		JsonNode given = firstDelivery(id);
		assertThat(given.get("attempts").asInt()).isGreaterThan(1);
		assertThat(given.get("last_status_code").asInt()).isEqualTo(500);
		assertThat(given.get("last_error").asString()).contains("500");
		assertThat(this.api.get("/api/webhooks/" + id).json().get("failing_since").isNull()).isFalse();

		// new events keep failing until the subscription has failed for disable-after
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
			cancelTask();
			return !this.api.get("/api/webhooks/" + id).json().get("enabled").asBoolean();
		});
		JsonNode disabled = this.api.get("/api/webhooks/" + id).json();
		assertThat(disabled.get("disabled_reason").asString()).contains("nexus.webhooks.disable-after");
		assertThat(this.api.get("/api/audit?action=webhook.disabled").json().get("items").toString()).contains(id)
			.contains("\"actor\":\"system\"");
		assertThat(this.api.get("/metrics").body()).contains("nexus_webhook_subscriptions_disabled_total 1.0");
		long deliveries = rows("webhook_deliveries");
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
			.query(Long.class)
			.single()).isZero();
		// disabled: new events are not recorded for it
		cancelTask();
		assertThat(rows("webhook_deliveries")).isEqualTo(deliveries);

		Response enabled = this.api.put("/api/webhooks/" + id, "{\"url\":\"" + this.receiver.url("/down")
				+ "\",\"event_types\":[\"task.cancelled\"],\"enabled\":true}");
		assertThat(enabled.json().get("enabled").asBoolean()).isTrue();
		assertThat(enabled.json().get("disabled_reason").isNull()).isTrue();
		assertThat(enabled.json().get("failing_since").isNull()).isTrue();
	}

	private JsonNode firstDelivery(String subscriptionId) {
		JsonNode items = this.api.get("/api/webhooks/" + subscriptionId + "/deliveries").json().get("items");
		return items.get(items.size() - 1);
	}

	private void cancelTask() {
		String task = this.api.post("/api/tasks", "{\"title\":\"down\",\"category\":\"wh-down\"}").field("id");
		assertThat(this.api.post("/api/tasks/" + task + "/cancel", "{}").status()).isEqualTo(200);
	}

}
