package io.nexus.server.security;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.nexus.server.security.BrowserEnrolmentIntegrationTests.Browser;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The enrolment page's state lives only as long as an enrolment token
 * ({@code nexus.security.mfa.enrolment-token-ttl}, two seconds here): then the browser
 * goes back to the login page with a message.
 */
@TestPropertySource(properties = { "nexus.security.mfa.enforce=true", "nexus.security.mfa.enrolment-token-ttl=2s" })
class BrowserEnrolmentExpiryIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private UserAccounts accounts;

	@Override
	@BeforeEach
	protected void logIn() {
		this.api = new ApiClient(this.port);
	}

	@Test
	void anExpiredEnrolmentSendsTheBrowserBackToTheLoginPage() throws Exception {
		this.accounts.create("slowboss", BrowserEnrolmentIntegrationTests.PASSWORD, Role.ADMIN);
		Browser browser = new Browser(this.port);
		HttpResponse<String> posted = browser.logIn("slowboss", BrowserEnrolmentIntegrationTests.PASSWORD);
		assertThat(posted.headers().firstValue("Location").orElseThrow()).endsWith("/login/enrol");
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> browser.get("/login/enrol").headers().firstValue("Location").orElse(""),
					(location) -> location.endsWith("/login?expired"));
		assertThat(browser.post("/login/enrol", "code=123456", true).headers().firstValue("Location").orElseThrow())
			.endsWith("/login?expired");
		assertThat(browser.get("/").headers().firstValue("Location").orElseThrow()).as("no enrolment to go back to")
			.endsWith("/login");
		assertThat(browser.get("/login?expired").body()).contains("Log in again");
	}

}
