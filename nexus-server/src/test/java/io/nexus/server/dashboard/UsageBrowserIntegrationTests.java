package io.nexus.server.dashboard;

import java.time.Duration;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Usage page in a real browser: an agent reports usage, and the page shows it in its
 * charts and its table by model, and a budget with its share used marked at 80 %.
 */
class UsageBrowserIntegrationTests extends ApiIntegrationTest {

	private WebDriver browser;

	private String base;

	@BeforeEach
	void openBrowser() {
		this.browser = Browsers.start(1280, 900);
		this.base = "http://localhost:" + this.port;
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
		for (var budget : this.api.get("/api/budgets").json().get("items")) {
			this.api.delete("/api/budgets/" + budget.get("id").asString());
		}
	}

	@Test
	void showsReportedUsageByModelAndTheBudgets() {
		Response budget = this.api.post("/api/budgets", "{\"name\":\"browser-usage\",\"scope\":\"category\","
				+ "\"scope_value\":\"browser-use\",\"period\":\"day\",\"max_tokens\":1000}");
		assertThat(budget.status()).as(budget.body()).isEqualTo(201);
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"browser-user\",\"capabilities\":[\"browser-use\"],\"max_concurrency\":2}");
		try (RawAgent socket = RawAgent.register(this.port, agent.field("id"), agent.field("token"))) {
			String task = this.api.post("/api/tasks", "{\"title\":\"spend\",\"category\":\"browser-use\"}").field("id");
			long epoch = socket.next("task_assigned").get("lease_epoch").asLong();
			socket.send("{\"type\":\"task_complete\",\"id\":\"c1\",\"task_id\":\"" + task + "\",\"lease_epoch\":"
					+ epoch
					+ ",\"usage\":{\"input_tokens\":700,\"output_tokens\":150,\"cost\":1.5,\"model\":\"browser-model\"}}");
			socket.next("ack");
		}
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		this.browser.get(this.base + "/usage?group_by=model");
		assertThat(this.browser.findElement(By.cssSelector("a[aria-current=page]")).getText()).isEqualTo("Usage");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !this.browser.findElements(By.cssSelector("#usage-groups tr[data-key='browser-model']"))
				.isEmpty());
		assertThat(this.browser.findElement(By.cssSelector("#usage-groups tr[data-key='browser-model']")).getText())
			.contains("700")
			.contains("150")
			.contains("1.5 USD");
		assertThat(this.browser.findElement(By.id("usage-tokens-chart")).isDisplayed()).isTrue();
		assertThat(this.browser.findElement(By.id("usage-group-chart")).isDisplayed()).isTrue();
		assertThat(this.browser
			.findElement(By.cssSelector("#usage-budgets tr[data-budget-id='" + budget.field("id") + "']"))
			.getText()).contains("browser-usage").contains("85 %").contains("80 %");
	}

}
