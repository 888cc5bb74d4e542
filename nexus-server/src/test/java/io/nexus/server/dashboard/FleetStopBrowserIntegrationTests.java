package io.nexus.server.dashboard;

import java.time.Duration;
import java.util.List;

import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The emergency stop in a real browser: the banner on every page while it lasts, and an
 * admin ending it with the banner's Resume button.
 */
class FleetStopBrowserIntegrationTests extends BrowserIntegrationTest {

	@Test
	void anEmergencyStopShowsOnEveryPageAndAnAdminResumesItFromTheBanner() {
		Response stopped = this.api.post("/api/fleet/stop", "{\"reason\":\"browser drill\"}");
		assertThat(stopped.status()).as(stopped.body()).isEqualTo(201);
		String stopId = stopped.field("id");
		try {
			Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
			for (String page : List.of("/", "/agents", "/tasks", "/nodes")) {
				this.browser.get(this.base + page);
				WebElement banner = this.browser.findElement(By.id("fleet-stop-" + stopId));
				assertThat(banner.getText()).as(page)
					.contains("Emergency stop (hold)")
					.contains("the whole fleet")
					.contains("browser drill");
				assertThat(banner.getDomAttribute("role")).isEqualTo("alert");
			}
			this.browser.findElement(By.id("resume-" + stopId)).click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.browser.findElements(By.cssSelector("[data-fleet-stop]")).isEmpty());
			assertThat(this.browser.getPageSource()).contains("Emergency stop ended");
			assertThat(this.api.get("/api/fleet/stop").json().get("items")).isEmpty();
		}
		finally {
			this.api.post("/api/fleet/resume", "{}");
		}
	}

}
