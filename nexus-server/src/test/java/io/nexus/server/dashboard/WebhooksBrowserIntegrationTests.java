package io.nexus.server.dashboard;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Webhooks page in a real browser: an admin sees the subscription and its delivery
 * log, and the Redeliver button sends the event again to a real receiver.
 */
@TestPropertySource(
		properties = { "nexus.webhooks.allowed-networks=127.0.0.1/32", "nexus.webhooks.poll-interval=100ms" })
class WebhooksBrowserIntegrationTests extends BrowserIntegrationTest {

	private HttpServer receiver;

	private final List<String> received = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startReceiver() throws IOException {
		this.receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		this.receiver.createContext("/", (exchange) -> {
			this.received.add(exchange.getRequestHeaders().getFirst("webhook-id"));
			exchange.getRequestBody().readAllBytes();
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		this.receiver.start();
	}

	@AfterEach
	void stopReceiver() {
		this.receiver.stop(0);
	}

	@Test
	void anAdminSeesTheDeliveryLogAndRedeliversAnEvent() {
		Response created = this.api.post("/api/webhooks",
				"{\"url\":\"http://127.0.0.1:" + this.receiver.getAddress().getPort()
						+ "/hook\",\"event_types\":[\"task.cancelled\"]," + "\"description\":\"browser drill\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.field("id");
		String task = this.api.post("/api/tasks", "{\"title\":\"hooked\",\"category\":\"wh-browser\"}").field("id");
		assertThat(this.api.post("/api/tasks/" + task + "/cancel", "{}").status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.received.size() == 1);

		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		this.browser.get(this.base + "/webhooks");
		assertThat(this.browser.findElement(By.cssSelector("nav a[href='/webhooks']")).getDomAttribute("aria-current"))
			.isEqualTo("page");
		WebElement row = this.browser.findElement(By.cssSelector("tr[data-webhook-id='" + id + "']"));
		assertThat(row.getText()).contains("browser drill").contains("task.cancelled").containsIgnoringCase("enabled");
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			this.browser.get(this.base + "/webhooks?id=" + id);
			return this.browser.findElements(By.cssSelector("#deliveries-table [data-delivery-status]"))
				.stream()
				.anyMatch((status) -> status.getText().equalsIgnoreCase("delivered"));
		});
		WebElement delivery = this.browser.findElement(By.cssSelector("#deliveries-table tbody tr"));
		assertThat(delivery.getText()).contains("task.cancelled").contains("204");
		delivery.findElement(By.cssSelector("[data-redeliver]")).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.getPageSource().contains("queued for delivery again"));
		await().atMost(Duration.ofSeconds(20)).until(() -> this.received.size() == 2);
		assertThat(this.received.get(1)).isEqualTo(this.received.get(0));
		assertThat(this.api.get("/api/audit?action=webhook.redelivered").json().get("items").toString())
			.contains("from the dashboard");
		this.api.delete("/api/webhooks/" + id);
	}

}
