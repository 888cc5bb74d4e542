package io.nexus.server.dashboard;

import java.time.Duration;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Policies page in a real browser: an admin creates a policy, sees a condition that
 * does not compile refused with its position, edits the policy into a new version, and
 * judges a task on an agent with the dry run.
 */
class PoliciesBrowserIntegrationTests extends ApiIntegrationTest {

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
		for (var policy : this.api.get("/api/policies").json().get("items")) {
			if (policy.get("name").asString().startsWith("browser-")) {
				this.api.delete("/api/policies/" + policy.get("id").asString());
			}
		}
	}

	@Test
	void anAdminWritesAPolicySeesCompileErrorsAndDryRunsIt() {
		Response agent = this.api.post("/api/agents",
				"{\"name\":\"browser-eu\",\"capabilities\":[\"browser-pol\"],\"labels\":{\"zone\":\"eu\"}}");
		Response task = this.api.post("/api/tasks", "{\"title\":\"judged\",\"category\":\"browser-pol\"}");
		Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
		this.browser.get(this.base + "/policies");
		assertThat(this.browser.findElement(By.cssSelector("a[aria-current=page]")).getText()).isEqualTo("Policies");

		fill("policy-name", "browser-eu-only");
		fill("policy-match", "task.category == \"browser-pol\"");
		fill("policy-require", "agent.labels[\"zone\"] = \"eu\"");
		this.browser.findElement(By.id("policy-save")).click();
		WebElement errors = this.browser.findElement(By.id("policy-compile-errors"));
		assertThat(errors.getText()).contains("line 1, column");
		assertThat(this.api.get("/api/policies").body()).doesNotContain("browser-eu-only");

		fill("policy-require", "agent.labels[\"zone\"] == \"eu\"");
		this.browser.findElement(By.id("policy-save")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getPageSource().contains("saved as version 1"));
		WebElement row = this.browser.findElement(By.cssSelector("#policies-table tr[data-policy-id]"));
		String id = row.getDomAttribute("data-policy-id");
		assertThat(row.getText()).contains("browser-eu-only").contains(id + "@1");

		this.browser.findElement(By.cssSelector("a[aria-label='Edit browser-eu-only']")).click();
		fill("policy-description", "GDPR work stays in the EU");
		this.browser.findElement(By.id("policy-save")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getPageSource().contains("saved as version 2"));

		fill("dry-run-task", task.field("id"));
		fill("dry-run-agent", agent.field("id"));
		this.browser.findElement(By.id("dry-run-submit")).click();
		assertThat(this.browser.findElement(By.id("dry-run-verdict")).getText()).isEqualTo("admit");
		assertThat(this.browser.findElement(By.cssSelector("#dry-run-table tr[data-policy-id='" + id + "']")).getText())
			.contains(id + "@2")
			.contains("admits");
	}

	private void fill(String id, String text) {
		WebElement field = this.browser.findElement(By.id(id));
		field.clear();
		field.sendKeys(text);
	}

}
