package io.nexus.server.dashboard;

import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.WebDriver;

/**
 * Base of tests that drive the dashboard of a running Nexus in a real headless Chromium,
 * one fresh browser per test at 1280 × 800.
 */
abstract class BrowserIntegrationTest extends ApiIntegrationTest {

	/** The browser of the current test. */
	protected WebDriver browser;

	/** The server's address, such as {@code http://localhost:41234}. */
	protected String base;

	@BeforeEach
	void openBrowser() {
		this.browser = Browsers.start(1280, 800);
		this.base = "http://localhost:" + this.port;
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

}
