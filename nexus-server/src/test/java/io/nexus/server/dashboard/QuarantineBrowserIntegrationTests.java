package io.nexus.server.dashboard;

import java.time.Duration;

import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Quarantine in a real browser: an operator quarantines an agent from its page, the
 * Agents page shows the badge with the reason, and the Release button ends it.
 */
class QuarantineBrowserIntegrationTests extends BrowserIntegrationTest {

	@Test
	void anOperatorQuarantinesAnAgentSeesTheBadgeAndReleasesIt() {
		Response registered = this.api.post("/api/agents", "{\"name\":\"Quarantine drill\",\"capabilities\":[\"qb\"]}");
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);
		String agent = registered.field("id");
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		this.browser.get(this.base + "/agents/" + agent);
		this.browser.findElement(By.id("quarantine-reason")).sendKeys("flaky GPU driver");
		this.browser.findElement(By.cssSelector("form[action$='/quarantine'] button[type=submit]")).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !this.browser.findElements(By.id("agent-quarantine")).isEmpty());
		WebElement callout = this.browser.findElement(By.id("agent-quarantine"));
		assertThat(callout.getText()).contains("In quarantine (held)")
			.contains("manual")
			.contains("quarantined by admin: flaky GPU driver")
			.contains("until an operator releases it");
		assertThat(this.api.get("/api/agents/" + agent).json().path("quarantine").path("state").asString())
			.isEqualTo("held");

		this.browser.get(this.base + "/agents");
		WebElement badge = this.browser
			.findElement(By.cssSelector("tr[data-agent-id='" + agent + "'] [data-agent-quarantine]"));
		assertThat(badge.getText()).isEqualTo("quarantined");
		assertThat(badge.getDomAttribute("title")).isEqualTo("quarantined by admin: flaky GPU driver");

		this.browser.get(this.base + "/agents/" + agent);
		this.browser.findElement(By.id("release-agent")).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.findElements(By.id("agent-quarantine")).isEmpty());
		assertThat(this.browser.getPageSource()).contains("Agent released");
		assertThat(this.api.get("/api/agents/" + agent).json().get("quarantine").isNull()).isTrue();
		assertThat(this.api.get("/api/audit?action=agent.released").json().get("items").toString()).contains(agent);
	}

}
