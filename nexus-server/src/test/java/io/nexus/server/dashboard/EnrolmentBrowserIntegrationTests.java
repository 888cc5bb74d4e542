package io.nexus.server.dashboard;

import java.time.Duration;
import java.util.List;

import io.nexus.server.security.Role;
import io.nexus.server.security.TotpCodes;
import io.nexus.server.security.UserAccounts;
import io.nexus.server.support.ApiClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two-factor authentication in a real browser, with MFA enforced for admins: an admin
 * without it enrols on the page the login form leads to, and a viewer turns it on from
 * their account page; both then log in with a code from the secret the page showed.
 */
@TestPropertySource(properties = "nexus.security.mfa.enforce=true")
class EnrolmentBrowserIntegrationTests extends BrowserIntegrationTest {

	private static final String PASSWORD = "browser-enrol-pass-1";

	@Autowired
	private UserAccounts accounts;

	@Override
	@BeforeEach
	protected void logIn() {
		// the built-in admin must enrol here too: these tests make their own users
		this.api = new ApiClient(this.port);
	}

	@Test
	void anAdminEnrolsOnTheWayInAndThenLogsInWithACode() {
		this.accounts.create("chief", PASSWORD, Role.ADMIN);
		Browsers.logIn(this.browser, this.base, "chief", PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().endsWith("/login/enrol"));
		assertThat(this.browser.findElement(By.id("enrol-user")).getText()).isEqualTo("chief");
		assertThat(this.browser.findElement(By.id("mfa-qr")).getDomAttribute("src"))
			.startsWith("data:image/svg+xml;base64,");
		assertThat(this.browser.findElement(By.id("mfa-uri")).getDomProperty("value"))
			.startsWith("otpauth://totp/Nexus:chief?secret=");
		String secret = secret();

		for (String page : List.of("/", "/tasks")) {
			this.browser.get(this.base + page);
			assertThat(this.browser.getCurrentUrl()).as(page).endsWith("/login/enrol");
			assertThat(this.browser.findElements(By.id("live-status"))).as("no dashboard on " + page).isEmpty();
		}
		assertThat(secret()).as("the same secret when coming back").isEqualTo(secret);

		submitCode(TotpCodes.wrong(secret));
		assertThat(this.browser.findElement(By.id("mfa-error")).getText()).contains("not right");
		assertThat(this.browser.findElements(By.id("recovery-codes"))).isEmpty();

		long step = TotpCodes.currentStep();
		submitCode(TotpCodes.at(secret, step));
		List<String> codes = List.of(this.browser.findElement(By.id("recovery-codes")).getText().strip().split("\\s+"));
		assertThat(codes).hasSize(10).allMatch((code) -> code.matches("[a-z2-7]{5}-[a-z2-7]{5}"));
		assertThat(this.browser.findElement(By.id("recovery-title")).getText()).contains("Save your recovery codes");
		this.browser.findElement(By.id("mfa-continue")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		this.browser.get(this.base + "/tasks");
		assertThat(this.browser.getTitle()).startsWith("Tasks");

		this.browser.findElement(By.id("account-link")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Your account"));
		assertThat(this.browser.findElement(By.id("mfa-status")).getText()).isEqualTo("on");
		assertThat(this.browser.findElements(By.id("mfa-disable-form"))).as("admins must keep it").isEmpty();

		this.browser.findElement(By.id("logout")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().contains("/login?logout"));
		Browsers.logIn(this.browser, this.base, "chief", PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().contains("/login?error"));
		logInWithCode("chief", TotpCodes.at(secret, step + 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
	}

	@Test
	void aViewerTurnsTwoFactorOnFromTheAccountPage() {
		this.accounts.create("onlooker", PASSWORD, Role.VIEWER);
		Browsers.logIn(this.browser, this.base, "onlooker", PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));
		this.browser.findElement(By.id("account-link")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Your account"));
		assertThat(this.browser.findElement(By.id("account-role")).getText()).isEqualToIgnoringCase("viewer");
		assertThat(this.browser.findElement(By.id("mfa-status")).getText()).isEqualTo("off");

		this.browser.findElement(By.id("mfa-turn-on")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().endsWith("/account/mfa"));
		String secret = secret();
		submitCode(TotpCodes.wrong(secret));
		assertThat(this.browser.findElement(By.cssSelector(".flash-error")).getText()).contains("not right");
		long step = TotpCodes.currentStep();
		submitCode(TotpCodes.at(secret, step));
		String codes = this.browser.findElement(By.id("recovery-codes")).getText();
		assertThat(codes.strip().split("\\s+")).hasSize(10);
		this.browser.findElement(By.id("mfa-continue")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Your account"));
		assertThat(this.browser.findElement(By.id("mfa-status")).getText()).isEqualTo("on");

		this.browser.findElement(By.id("logout")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().contains("/login?logout"));
		Browsers.logIn(this.browser, this.base, "onlooker", PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getCurrentUrl().contains("/login?error"));
		logInWithCode("onlooker", TotpCodes.at(secret, step + 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.browser.getTitle().startsWith("Overview"));

		this.browser.get(this.base + "/account");
		this.browser.findElement(By.id("disable-code")).sendKeys(codes.strip().split("\\s+")[0]);
		((JavascriptExecutor) this.browser).executeScript("window.confirm = () => true;");
		this.browser.findElement(By.cssSelector("#mfa-disable-form button[type=submit]")).click();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.browser.findElements(By.cssSelector(".flash-ok"))
				.stream()
				.anyMatch((flash) -> flash.getText().contains("off")));
		assertThat(this.browser.findElement(By.id("mfa-status")).getText()).isEqualTo("off");
	}

	private String secret() {
		String shown = this.browser.findElement(By.id("mfa-secret")).getDomProperty("value");
		assertThat(shown).matches("([A-Z2-7]{4} )+[A-Z2-7]{1,4}");
		return shown.replace(" ", "");
	}

	private void submitCode(String code) {
		WebElement form = this.browser.findElement(By.id("mfa-confirm-form"));
		this.browser.findElement(By.id("mfa-code")).sendKeys(code);
		form.findElement(By.cssSelector("button[type=submit]")).click();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			try {
				form.isDisplayed();
				return false;
			}
			catch (StaleElementReferenceException ex) {
				// the next page is there
				return true;
			}
		});
	}

	private void logInWithCode(String username, String code) {
		this.browser.get(this.base + "/login");
		this.browser.findElement(By.id("username")).sendKeys(username);
		this.browser.findElement(By.id("password")).sendKeys(PASSWORD);
		this.browser.findElement(By.id("code")).sendKeys(code);
		this.browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
	}

}
