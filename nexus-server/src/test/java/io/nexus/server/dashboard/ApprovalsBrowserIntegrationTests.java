package io.nexus.server.dashboard;

import java.time.Duration;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Approvals inbox in a real browser: the badge counts what awaits the signed-in
 * person, the page shows the task's payload, requirement and history, and the buttons
 * approve (with a comment) and reject.
 */
class ApprovalsBrowserIntegrationTests extends BrowserIntegrationTest {

	@Test
	void anApproverSeesTheBadgeAndApprovesAndRejectsFromTheInbox() {
		this.api.post("/api/users", "{\"username\":\"inbox-op\",\"password\":\"inbox-pass-1\",\"role\":\"operator\"}");
		ApiClient creator = new ApiClient(this.port).login("inbox-op", "inbox-pass-1");
		String approval = "\"approval\":{\"approvers\":{\"roles\":[\"admin\"]}}";
		Response first = creator.post("/api/tasks",
				"{\"title\":\"ship it\",\"payload\":{\"release\":\"v42\"}," + approval + "}");
		assertThat(first.status()).as(first.body()).isEqualTo(201);
		String shipped = first.field("id");
		String dropped = creator.post("/api/tasks", "{\"title\":\"drop it\"," + approval + "}").field("id");

		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		this.browser.get(this.base + "/");
		assertThat(Integer.parseInt(this.browser.findElement(By.id("approvals-badge")).getText()))
			.isGreaterThanOrEqualTo(2);
		this.browser.findElement(By.id("nav-approvals")).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !this.browser.findElements(By.id("approval-" + shipped)).isEmpty());
		WebElement card = this.browser.findElement(By.id("approval-" + shipped));
		assertThat(card.findElement(By.cssSelector("[data-payload]")).getText()).contains("v42");
		assertThat(card.findElement(By.cssSelector("[data-policy]")).getText()).isEqualTo("the task itself");
		assertThat(card.findElement(By.cssSelector("[data-approvals]")).getText()).isEqualTo("0 of 1");
		assertThat(card.getText()).contains("inbox-op");

		this.browser.findElement(By.id("comment-" + shipped)).sendKeys("release notes read");
		this.browser.findElement(By.id("approve-" + shipped)).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.findElements(By.id("approval-" + shipped)).isEmpty());
		assertThat(this.browser.getPageSource()).contains("Approved " + shipped);
		assertThat(this.api.get("/api/tasks/" + shipped).field("status")).isNotEqualTo("awaiting_approval");
		assertThat(this.api.get("/api/tasks/" + shipped + "/approval")
			.json()
			.get("decisions")
			.get(0)
			.get("comment")
			.asString()).isEqualTo("release notes read");

		// the inbox is drawn again after the approval: the button is found afresh
		Browsers.click(this.browser, By.id("reject-" + dropped));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.findElements(By.id("approval-" + dropped)).isEmpty());
		assertThat(this.api.get("/api/tasks/" + dropped).field("status_reason")).isEqualTo("approval_rejected");
	}

	@Test
	void theCreatorDoesNotFindTheirOwnTaskInTheInbox() {
		this.api.post("/api/users", "{\"username\":\"inbox-own\",\"password\":\"inbox-pass-1\",\"role\":\"operator\"}");
		ApiClient creator = new ApiClient(this.port).login("inbox-own", "inbox-pass-1");
		String own = creator
			.post("/api/tasks", "{\"title\":\"mine\",\"approval\":{\"approvers\":{\"users\":[\"inbox-other\"]}}}")
			.field("id");
		Browsers.logIn(this.browser, this.base, "inbox-own", "inbox-pass-1");
		this.browser.get(this.base + "/approvals");
		assertThat(this.browser.findElements(By.id("approval-" + own))).isEmpty();
		assertThat(this.api.get("/api/tasks/" + own).field("status")).isEqualTo("awaiting_approval");
	}

}
