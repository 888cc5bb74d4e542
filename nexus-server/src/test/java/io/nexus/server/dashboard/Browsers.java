package io.nexus.server.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.nexus.server.support.TestServices;
import org.junit.jupiter.api.Assumptions;
import org.awaitility.Awaitility;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium for browser tests, driven through its own chromedriver so
 * that Selenium Manager downloads nothing. Tests are skipped when Chromium is missing,
 * unless {@code NEXUS_REQUIRE_SERVICES=true}, which makes them fail instead.
 */
final class Browsers {

	static final String CHROMIUM = System.getenv().getOrDefault("NEXUS_TEST_CHROMIUM", "/usr/bin/chromium");

	static final String CHROMEDRIVER = System.getenv().getOrDefault("NEXUS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");

	private Browsers() {
	}

	static void assumeAvailable() {
		String missing = !new File(CHROMIUM).canExecute() ? CHROMIUM
				: !new File(CHROMEDRIVER).canExecute() ? CHROMEDRIVER : null;
		if (missing == null) {
			return;
		}
		String message = missing + " not found: install it with 'apt-get install -y chromium chromium-driver'";
		if (TestServices.servicesRequired()) {
			throw new AssertionError(message + " (NEXUS_REQUIRE_SERVICES=true)");
		}
		Assumptions.abort(message);
	}

	static WebDriver start(int width, int height) {
		assumeAvailable();
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
		System.setProperty("SE_OFFLINE", "true");
		Path profile;
		try {
			profile = Files.createTempDirectory("nexus-chromium-");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--no-first-run", "--hide-scrollbars",
				"--force-device-scale-factor=1", "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		if (width < 500) {
			// Chromium's windows are at least 500 px wide; a phone needs device emulation
			driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
					Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
		}
		driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
		return driver;
	}

	/**
	 * Clicks the element a locator finds, finding it again when the page replaced it
	 * between the find and the click (a live update re-rendering a list).
	 */
	static void click(WebDriver driver, By locator) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.ignoreException(StaleElementReferenceException.class)
			.until(() -> {
				driver.findElement(locator).click();
				return true;
			});
	}

	static void logIn(WebDriver driver, String base, String username, String password) {
		driver.get(base + "/login");
		driver.findElement(By.id("username")).sendKeys(username);
		driver.findElement(By.id("password")).sendKeys(password);
		driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
	}

}
