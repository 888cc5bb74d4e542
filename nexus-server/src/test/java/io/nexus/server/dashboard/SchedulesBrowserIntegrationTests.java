package io.nexus.server.dashboard;

import java.time.Duration;

import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Schedules page in a real browser: a schedule with its timing, zone and next fire
 * times, paused and resumed by an admin's buttons.
 */
class SchedulesBrowserIntegrationTests extends BrowserIntegrationTest {

	@Test
	void anAdminSeesASchedulesNextFireTimesAndPausesAndResumesIt() {
		Response created = this.api.post("/api/schedules",
				"{\"name\":\"browser nightly\",\"cron\":\"0 0 2 * * *\",\"time_zone\":\"Europe/Berlin\","
						+ "\"template\":{\"title\":\"nightly\",\"category\":\"sched-browser\"}}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String id = created.field("id");

		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		this.browser.get(this.base + "/schedules");
		assertThat(this.browser.findElement(By.cssSelector("nav a[href='/schedules']")).getDomAttribute("aria-current"))
			.isEqualTo("page");
		WebElement row = this.browser.findElement(By.cssSelector("tr[data-schedule-id='" + id + "']"));
		assertThat(row.getText()).contains("browser nightly").contains("0 0 2 * * *").contains("Europe/Berlin");
		assertThat(row.findElements(By.cssSelector("[data-next-fire-times] div"))).hasSize(5);
		assertThat(row.findElement(By.cssSelector("[data-schedule-state]")).getText()).isEqualToIgnoringCase("active");

		row.findElement(By.cssSelector("[data-pause]")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getPageSource().contains("paused."));
		assertThat(this.api.get("/api/schedules/" + id).json().get("paused").asBoolean()).isTrue();
		this.browser.findElement(By.cssSelector("tr[data-schedule-id='" + id + "'] [data-resume]")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getPageSource().contains("resumed"));
		assertThat(this.api.get("/api/schedules/" + id).json().get("paused").asBoolean()).isFalse();
		assertThat(this.api.get("/api/audit?action=schedule.paused").json().get("items").toString())
			.contains("from the dashboard");
		this.api.delete("/api/schedules/" + id);
	}

}
