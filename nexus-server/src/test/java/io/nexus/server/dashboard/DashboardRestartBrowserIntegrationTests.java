package io.nexus.server.dashboard;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real restart under an open dashboard: the Nexus application is stopped and started
 * again on the same port and the same (file) database while the browser keeps the page
 * open. The live stream says it is reconnecting, comes back by itself, the browser is
 * still logged in (its session is in the database), and the page follows changes made
 * after the restart without being reloaded.
 */
class DashboardRestartBrowserIntegrationTests {

	private static final String PASSWORD = "restart-browser-pass";

	@TempDir
	Path dataDir;

	private int port;

	private WebDriver browser;

	private ConfigurableApplicationContext server;

	@BeforeEach
	void openBrowser() throws IOException {
		Browsers.assumeAvailable();
		try (ServerSocket socket = new ServerSocket(0)) {
			this.port = socket.getLocalPort();
		}
		this.browser = Browsers.start(1280, 800);
	}

	@AfterEach
	void closeEverything() {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void openPageReconnectsAfterARestartStillLoggedInAndFollowsNewChanges() {
		this.server = start();
		String base = "http://localhost:" + this.port;
		Browsers.logIn(this.browser, base, "admin", PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		awaitLiveState("live");
		Cookie cookie = this.browser.manage().getCookieNamed("NEXUS_SESSION");
		assertThat(cookie).as("the session cookie").isNotNull();
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Lax");
		assertThat(cookie.isSecure()).as("plain HTTP, no TLS proxy").isFalse();
		long waiting = number("kpi-waiting");
		((JavascriptExecutor) this.browser).executeScript("window.__marker = 1;");

		this.server.close();
		this.server = null;
		awaitLiveState("down");
		assertThat(text("live-status")).isEqualTo("Reconnecting…");

		this.server = start();
		awaitLiveState("live");
		ApiClient api = new ApiClient(this.port).login("admin", PASSWORD);
		api.post("/api/tasks", "{\"title\":\"After the restart\",\"category\":\"nobody-here\"}");
		await().atMost(Duration.ofSeconds(10)).until(() -> number("kpi-waiting") == waiting + 1);

		assertThat(((JavascriptExecutor) this.browser).executeScript("return window.__marker;"))
			.as("the page was not reloaded")
			.isEqualTo(1L);
		assertThat(this.browser.getCurrentUrl()).doesNotContain("/login");
		assertThat(this.browser.findElement(By.cssSelector(".user-name")).getDomProperty("textContent"))
			.as("still logged in")
			.isEqualTo("admin");
		this.browser.get(base + "/tasks");
		assertThat(this.browser.getTitle()).startsWith("Tasks");
		assertThat(this.browser.findElement(By.tagName("main")).getText()).contains("After the restart");
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(NexusApplication.class).run("--server.port=" + this.port,
				"--server.shutdown=immediate", "--NEXUS_DATA_DIR=" + this.dataDir,
				"--nexus.security.admin-password=" + PASSWORD);
	}

	private void awaitLiveState(String state) {
		await().atMost(Duration.ofSeconds(15))
			.until(() -> state.equals(this.browser.findElement(By.id("live-status")).getDomAttribute("data-state")));
	}

	private String text(String id) {
		try {
			List<WebElement> found = this.browser.findElements(By.id(id));
			return found.isEmpty() ? "" : found.get(0).getText().trim();
		}
		catch (StaleElementReferenceException ex) {
			// a live region was swapped between finding and reading
			return "";
		}
	}

	private long number(String id) {
		String value = text(id);
		return value.matches("\\d+") ? Long.parseLong(value) : -1;
	}

}
