package io.nexus.server.dashboard;

import java.time.Duration;

import io.nexus.server.support.ApiClient;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The notifications bell and page in a real browser: the badge counts the signed-in
 * person's unread notifications, the page lists them with a link, and the buttons mark
 * one and then all read.
 */
class NotificationsBrowserIntegrationTests extends BrowserIntegrationTest {

	@Test
	void theBellCountsUnreadNotificationsAndThePageMarksThemRead() {
		this.api.post("/api/users", "{\"username\":\"bell-op\",\"password\":\"bell-pass-123\",\"role\":\"operator\"}");
		this.api.post("/api/users", "{\"username\":\"bell-view\",\"password\":\"bell-pass-123\",\"role\":\"viewer\"}");
		ApiClient creator = new ApiClient(this.port).login("bell-op", "bell-pass-123");
		String approval = "\"approval\":{\"approvers\":{\"users\":[\"bell-view\"]}}";
		String first = creator.post("/api/tasks", "{\"title\":\"bell one\"," + approval + "}").field("id");
		String second = creator.post("/api/tasks", "{\"title\":\"bell two\"," + approval + "}").field("id");

		Browsers.logIn(this.browser, this.base, "bell-view", "bell-pass-123");
		this.browser.get(this.base + "/");
		assertThat(this.browser.findElement(By.id("notifications-badge")).getText()).isEqualTo("2");
		this.browser.findElement(By.id("notifications-link")).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.findElements(By.cssSelector("[data-notification]")).size() == 2);
		WebElement newest = this.browser.findElements(By.cssSelector("[data-notification]")).get(0);
		assertThat(newest.getText()).contains("Approval requested: bell two").contains(second);
		assertThat(newest.getAttribute("data-read")).isEqualTo("false");
		assertThat(newest.findElement(By.linkText("open Approvals")).getAttribute("href")).endsWith("/approvals");

		newest.findElement(By.cssSelector("button[id^='read-']")).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.findElement(By.id("notifications-badge")).getText().equals("1"));
		assertThat(this.browser.findElements(By.cssSelector("[data-notification][data-read='true']"))).hasSize(1);
		this.browser.findElement(By.id("notifications-read-all")).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.findElements(By.id("notifications-badge")).isEmpty());
		assertThat(this.browser.getPageSource()).contains("All notifications marked read.");
		assertThat(this.browser.findElements(By.cssSelector("[data-notification][data-read='false']"))).isEmpty();
		assertThat(this.api.get("/api/tasks/" + first).field("status")).isEqualTo("awaiting_approval");
	}

}
