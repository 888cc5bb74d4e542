package io.nexus.server.dashboard;

import java.time.Duration;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A person answers an agent's question in a real browser: the Input page lists the task
 * with the badge in the navigation, the task page shows the prompt and the schema, an
 * answer that does not fit is refused with where and why, and one that fits reaches the
 * agent.
 */
class InputBrowserIntegrationTests extends BrowserIntegrationTest {

	@Test
	void anOperatorAnswersAQuestionFromTheTaskPage() {
		Response registered = this.api.post("/api/agents",
				"{\"name\":\"Input drill\",\"capabilities\":[\"ib\"],\"max_concurrency\":100}");
		assertThat(registered.status()).as(registered.body()).isEqualTo(201);
		try (RawAgent socket = RawAgent.register(this.port, registered.field("id"), registered.field("token"))) {
			String task = this.api
				.post("/api/tasks", "{\"title\":\"Ship it\",\"category\":\"ib\",\"required_capabilities\":[\"ib\"]}")
				.field("id");
			// the server may hold other tests' tasks that any agent can take: wait for
			// this one
			JsonNode assigned = socket.next((frame) -> "task_assigned".equals(frame.path("type").asString())
					&& task.equals(frame.path("task_id").asString()), "task_assigned for " + task);
			long epoch = assigned.get("lease_epoch").asLong();
			socket.send("{\"type\":\"task_accept\",\"task_id\":\"" + task + "\",\"lease_epoch\":" + epoch + "}");
			socket.send("{\"type\":\"input_request\",\"id\":\"ask\",\"task_id\":\"" + task + "\",\"lease_epoch\":"
					+ epoch + ",\"request_id\":\"ship\",\"prompt\":\"Ship build 512?\",\"schema\":{\"type\":\"object\","
					+ "\"required\":[\"ship\"],\"properties\":{\"ship\":{\"type\":\"boolean\"}}}}");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> "input_required".equals(this.api.get("/api/tasks/" + task).field("status")));

			Browsers.logIn(this.browser, this.base, "admin", ADMIN_PASSWORD);
			this.browser.get(this.base + "/input");
			assertThat(this.browser.findElement(By.id("input-badge")).getText()).isEqualTo("1");
			assertThat(this.browser.findElement(By.cssSelector("tr[data-task='" + task + "']")).getText())
				.contains("Ship build 512?");
			this.browser.findElement(By.cssSelector("tr[data-task='" + task + "'] a")).click();

			assertThat(this.browser.findElement(By.id("input-prompt")).getText()).isEqualTo("Ship build 512?");
			assertThat(this.browser.findElement(By.id("input-schema")).getText()).contains("\"required\"");
			this.browser.findElement(By.id("input-answer")).sendKeys("{\"ship\": \"yes\"}");
			this.browser.findElement(By.id("input-submit")).click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.browser.getPageSource().contains("does not fit the question's schema"));
			assertThat(this.browser.findElement(By.cssSelector(".flash-error")).getText()).contains("$.ship")
				.contains("expected boolean");
			assertThat(this.browser.findElement(By.id("input-answer")).getDomProperty("value"))
				.isEqualTo("{\"ship\": \"yes\"}");

			this.browser.findElement(By.id("input-answer")).clear();
			this.browser.findElement(By.id("input-answer")).sendKeys("{\"ship\": true}");
			this.browser.findElement(By.id("input-submit")).click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.browser.getPageSource().contains("Answer sent; the task runs again."));
			assertThat(this.browser.findElements(By.id("input-form"))).isEmpty();
			JsonNode response = socket.next("input_response");
			assertThat(response.get("answer").get("ship").asBoolean()).isTrue();
			assertThat(this.api.get("/api/tasks/" + task).field("status")).isEqualTo("in_progress");
			this.browser.get(this.base + "/input");
			assertThat(this.browser.findElements(By.id("input-badge"))).isEmpty();
			assertThat(this.browser.findElement(By.id("input-empty")).getText()).contains("No task waits for input");
		}
	}

}
