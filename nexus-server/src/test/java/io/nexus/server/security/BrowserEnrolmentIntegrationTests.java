package io.nexus.server.security;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's enrolment page over plain HTTP, with MFA enforced for admins: after the
 * right password an admin without MFA reaches only the enrolment page, every form needs
 * its CSRF token, a wrong code is refused and audited, and a right one turns MFA on and
 * logs the admin in.
 */
@TestPropertySource(properties = "nexus.security.mfa.enforce=true")
class BrowserEnrolmentIntegrationTests extends ApiIntegrationTest {

	static final String PASSWORD = "enrol-page-password-1";

	private static final Pattern SECRET = Pattern.compile("id=\"mfa-secret-raw\" hidden>([A-Z2-7]+)<");

	private static final Pattern RECOVERY_CODES = Pattern.compile("id=\"recovery-codes\"[^>]*>([^<]*)</pre>");

	@Autowired
	private UserAccounts accounts;

	@Override
	@BeforeEach
	protected void logIn() {
		// the built-in admin must enrol here too: these tests make their own users
		this.api = new ApiClient(this.port);
	}

	@Test
	void anAdminWhoMustEnrolReachesOnlyTheEnrolmentPageUntilAFirstCodeIsRight() throws Exception {
		this.accounts.create("pageboss", PASSWORD, Role.ADMIN);
		Browser browser = new Browser(this.port);
		HttpResponse<String> posted = browser.logIn("pageboss", PASSWORD);
		assertThat(posted.statusCode()).isEqualTo(302);
		assertThat(posted.headers().firstValue("Location").orElseThrow()).endsWith("/login/enrol");

		for (String page : List.of("/", "/tasks", "/agents", "/analytics", "/account")) {
			HttpResponse<String> refused = browser.get(page);
			assertThat(refused.statusCode()).as(page).isEqualTo(302);
			assertThat(refused.headers().firstValue("Location").orElseThrow()).as(page).endsWith("/login/enrol");
		}
		assertThat(browser.get("/status").statusCode()).isEqualTo(401);
		assertThat(browser.get("/api/tasks").statusCode()).isEqualTo(401);
		assertThat(browser.post("/tasks", "title=sneaky", true).statusCode()).as("no action either").isEqualTo(302);
		assertThat(rows("tasks")).isZero();

		HttpResponse<String> page = browser.get("/login/enrol");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("pageboss", "otpauth://totp/Nexus:pageboss", "data:image/svg+xml;base64,");
		String secret = secret(page.body());
		assertThat(secret(browser.get("/login/enrol").body())).as("the same secret after a reload").isEqualTo(secret);

		HttpResponse<String> forged = browser.post("/login/enrol",
				"code=" + TotpCodes.at(secret, TotpCodes.currentStep()), false);
		assertThat(forged.statusCode()).as("no CSRF token").isEqualTo(403);
		assertThat(mfaOn("pageboss")).isFalse();

		HttpResponse<String> wrong = browser.post("/login/enrol", "code=" + TotpCodes.wrong(secret), true);
		assertThat(wrong.statusCode()).isEqualTo(200);
		assertThat(wrong.body()).contains("id=\"mfa-error\"").doesNotContain("id=\"recovery-codes\"");
		assertThat(secret(wrong.body())).isEqualTo(secret);
		assertThat(mfaOn("pageboss")).isFalse();
		assertThat(audited("mfa.enabled", "failure", "pageboss")).isEqualTo(1);
		assertThat(browser.get("/").headers().firstValue("Location").orElseThrow()).endsWith("/login/enrol");

		long step = TotpCodes.currentStep();
		HttpResponse<String> right = browser.post("/login/enrol", "code=" + TotpCodes.at(secret, step), true);
		assertThat(right.statusCode()).isEqualTo(200);
		Matcher shown = RECOVERY_CODES.matcher(right.body());
		assertThat(shown.find()).as(right.body()).isTrue();
		List<String> codes = List.of(shown.group(1).strip().split("\\s+"));
		assertThat(codes).hasSize(10)
			.doesNotHaveDuplicates()
			.allMatch((code) -> code.matches("[a-z2-7]{5}-[a-z2-7]{5}"));
		assertThat(mfaOn("pageboss")).isTrue();
		assertThat(audited("mfa.enabled", "success", "pageboss")).isEqualTo(1);
		assertThat(audited("auth.login", "success", "pageboss")).isEqualTo(1);

		HttpResponse<String> home = browser.get("/");
		assertThat(home.statusCode()).as("logged in").isEqualTo(200);
		assertThat(home.body()).contains("pageboss");
		assertThat(browser.get("/login/enrol").headers().firstValue("Location").orElseThrow()).as("enrolment is over")
			.endsWith("/account");
		HttpResponse<String> account = browser.get("/account");
		assertThat(account.body()).contains("id=\"mfa-status\"").doesNotContain("mfa-disable-form");
		assertThat(browser.post("/account/mfa/disable", "code=" + codes.get(0), true).statusCode()).isEqualTo(302);
		assertThat(mfaOn("pageboss")).as("admins under enforcement keep MFA").isTrue();

		Browser later = new Browser(this.port);
		assertThat(later.logIn("pageboss", PASSWORD).headers().firstValue("Location").orElseThrow())
			.as("a code is needed now")
			.endsWith("/login?error");
		HttpResponse<String> withCode = later.logIn("pageboss", PASSWORD, TotpCodes.at(secret, step + 1));
		assertThat(withCode.headers().firstValue("Location").orElseThrow()).doesNotContain("/login");
		assertThat(later.get("/").statusCode()).isEqualTo(200);
	}

	@Test
	void theEnrolmentPageNeedsAPendingEnrolmentOfThisBrowser() throws Exception {
		this.accounts.create("otherboss", PASSWORD, Role.ADMIN);
		Browser stranger = new Browser(this.port);
		HttpResponse<String> page = stranger.get("/login/enrol");
		assertThat(page.statusCode()).isEqualTo(302);
		assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/login?expired");
		assertThat(stranger.get("/login?expired").body()).contains("id=\"login-expired\"");
		assertThat(stranger.post("/login/enrol", "code=123456", true).headers().firstValue("Location").orElseThrow())
			.endsWith("/login?expired");

		Browser browser = new Browser(this.port);
		browser.logIn("otherboss", PASSWORD);
		assertThat(browser.get("/login/enrol").statusCode()).isEqualTo(200);
		assertThat(browser.post("/login/enrol/cancel", "", true).headers().firstValue("Location").orElseThrow())
			.endsWith("/login");
		assertThat(browser.get("/login/enrol").headers().firstValue("Location").orElseThrow())
			.endsWith("/login?expired");
		assertThat(browser.get("/").headers().firstValue("Location").orElseThrow()).endsWith("/login");

		browser.logIn("otherboss", PASSWORD);
		assertThat(browser.get("/login/enrol").statusCode()).isEqualTo(200);
		this.accounts.update(this.accounts.list()
			.stream()
			.filter((user) -> user.username().equals("otherboss"))
			.findFirst()
			.orElseThrow()
			.id(), null, false);
		assertThat(browser.get("/login/enrol").headers().firstValue("Location").orElseThrow())
			.as("a disabled user's enrolment ends")
			.endsWith("/login?expired");
		assertThat(mfaOn("otherboss")).isFalse();
	}

	@Test
	void operatorsAndViewersLogInWithoutEnrolment() throws Exception {
		this.accounts.create("deskworker", PASSWORD, Role.OPERATOR);
		Browser browser = new Browser(this.port);
		assertThat(browser.logIn("deskworker", PASSWORD).headers().firstValue("Location").orElseThrow())
			.doesNotContain("/login");
		assertThat(browser.get("/tasks").statusCode()).isEqualTo(200);
		assertThat(browser.get("/account").body()).contains("mfa-turn-on");
	}

	private boolean mfaOn(String username) {
		return this.jdbc.sql("SELECT COUNT(*) FROM user_mfa WHERE username = :username AND enabled")
			.param("username", username)
			.query(Long.class)
			.single() == 1;
	}

	private long audited(String action, String outcome, String actor) {
		return this.jdbc
			.sql("SELECT COUNT(*) FROM audit_log WHERE action = :action AND outcome = :outcome AND actor = :actor")
			.param("action", action)
			.param("outcome", outcome)
			.param("actor", actor)
			.query(Long.class)
			.single();
	}

	private static String secret(String page) {
		Matcher matcher = SECRET.matcher(page);
		assertThat(matcher.find()).as(page).isTrue();
		return matcher.group(1);
	}

	/**
	 * A browser without JavaScript: keeps cookies, does not follow redirects, and sends
	 * the CSRF token of the last page it read.
	 */
	static final class Browser {

		private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

		private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

		private final String base;

		private String csrf = "";

		Browser(int port) {
			this.base = "http://localhost:" + port;
		}

		HttpResponse<String> logIn(String username, String password) throws IOException, InterruptedException {
			return logIn(username, password, "");
		}

		HttpResponse<String> logIn(String username, String password, String code)
				throws IOException, InterruptedException {
			get("/login");
			return post("/login",
					"username=" + encode(username) + "&password=" + encode(password) + "&code=" + encode(code), true);
		}

		HttpResponse<String> get(String path) throws IOException, InterruptedException {
			HttpResponse<String> response = this.client.send(
					HttpRequest.newBuilder(URI.create(this.base + path)).header("Accept", "text/html").build(),
					BodyHandlers.ofString());
			Matcher token = CSRF.matcher(response.body());
			if (token.find()) {
				this.csrf = token.group(1);
			}
			return response;
		}

		HttpResponse<String> post(String path, String form, boolean withCsrf) throws IOException, InterruptedException {
			String body = withCsrf ? form + (form.isEmpty() ? "" : "&") + "_csrf=" + encode(this.csrf) : form;
			HttpResponse<String> response = this.client.send(HttpRequest.newBuilder(URI.create(this.base + path))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Accept", "text/html")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), BodyHandlers.ofString());
			Matcher token = CSRF.matcher(response.body());
			if (token.find()) {
				this.csrf = token.group(1);
			}
			return response;
		}

		private static String encode(String value) {
			return URLEncoder.encode(value, StandardCharsets.UTF_8);
		}

	}

}
