package io.nexus.server.security;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-factor authentication enforced for admins
 * ({@code nexus.security.mfa.enforce=true}, as {@code NEXUS_ENV=production} does by
 * default): an admin without MFA gets an enrolment token instead of a session, the token
 * works only for enrolment, and other roles are not affected.
 */
@TestPropertySource(properties = "nexus.security.mfa.enforce=true")
class MfaEnforcementIntegrationTests extends ApiIntegrationTest {

	private static final String PASSWORD = "enforced-password-1";

	/** An admin API key per server: the built-in admin enrols once, then uses it. */
	private static final Map<Integer, String> ADMIN_KEYS = new ConcurrentHashMap<>();

	@Override
	@BeforeEach
	protected void logIn() {
		this.api = new ApiClient(this.port);
		String key = ADMIN_KEYS.computeIfAbsent(this.port, (port) -> {
			ApiClient admin = enrolAndLogIn("admin", ApiIntegrationTest.ADMIN_PASSWORD);
			Response created = admin.post("/api/api-keys", "{\"name\":\"tests\",\"role\":\"admin\"}");
			assertThat(created.status()).as("%s", created).isEqualTo(201);
			return created.field("key");
		});
		this.api = new ApiClient(this.port).withToken(key);
	}

	@Test
	void adminWithoutMfaGetsOnlyAnEnrolmentTokenThatWorksOnlyForEnrolment() {
		user("boss", "admin");
		Response refused = login("boss", null);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.isProblem()).isTrue();
		assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:mfa_enrolment_required");
		assertThat(refused.json().has("access_token")).isFalse();
		assertThat(refused.json().has("refresh_token")).isFalse();
		assertThat(refused.json().get("expires_in").asLong()).isEqualTo(600);
		assertThat(refused.header("Cache-Control")).contains("no-store");
		String enrolment = refused.field("enrolment_token");
		assertThat(enrolment).startsWith("ey");
		assertThat(liveSessions("boss")).isZero();
		assertThat(this.api.get("/api/audit?action=auth.login&outcome=failure&actor=boss&limit=10").body())
			.contains("multi-factor enrolment required")
			.doesNotContain(enrolment);

		ApiClient enrolling = this.api.withToken(enrolment);
		for (String path : new String[] { "/api/tasks", "/api/users", "/api/agents", "/api/auth/sessions", "/api/audit",
				"/api/api-keys" }) {
			Response response = enrolling.get(path);
			assertThat(response.status()).as(path).isEqualTo(401);
			assertThat(response.isProblem()).as(path).isTrue();
		}
		for (String path : new String[] { "/api/auth/logout", "/api/auth/logout-all", "/api/auth/mfa/disable",
				"/api/api-keys", "/api/tasks" }) {
			assertThat(enrolling.post(path, "{\"code\":\"123456\",\"name\":\"k\",\"title\":\"t\"}").status()).as(path)
				.isEqualTo(401);
		}
		assertThat(enrolling.get("/status").status()).isEqualTo(401);
		Response refresh = this.api.withoutToken()
			.post("/api/auth/refresh", "{\"refresh_token\":\"" + enrolment + "\"}");
		assertThat(refresh.status()).as("too long for a refresh token").isEqualTo(400);
		assertThat(refresh.json().has("access_token")).isFalse();
		String[] parts = enrolment.split("\\.");
		String asAdmin = parts[0] + "."
				+ base64Url("{\"iss\":\"nexus\",\"sub\":\"admin\","
						+ "\"aud\":[\"nexus-mfa-enrolment\"],\"scope\":\"mfa_enrolment\",\"exp\":9999999999}")
				+ "." + parts[2];
		assertThat(this.api.withToken(asAdmin).post("/api/auth/mfa/setup", "").status()).isEqualTo(401);

		Response setup = enrolling.post("/api/auth/mfa/setup", "");
		assertThat(setup.status()).isEqualTo(200);
		String secret = setup.field("secret");
		assertThat(enrolling.post("/api/auth/mfa/confirm", code(MfaIntegrationTests.wrongCode(secret))).status())
			.isEqualTo(401);
		Response confirmed = enrolling.post("/api/auth/mfa/confirm", code(MfaIntegrationTests.code(secret, 0)));
		assertThat(confirmed.status()).isEqualTo(200);
		assertThat(confirmed.json().get("recovery_codes").size()).isEqualTo(10);
		assertThat(liveSessions("boss")).isZero();
		assertThat(this.api.get("/api/audit?action=mfa.enabled&outcome=success&actor=boss&limit=10")
			.json()
			.get("items")
			.size()).isEqualTo(1);
		assertThat(enrolling.post("/api/auth/mfa/setup", "").status()).as("enrolled already").isEqualTo(409);

		assertThat(login("boss", null).problemType()).isEqualTo("urn:nexus:problem:mfa_required");
		Response in = login("boss", MfaIntegrationTests.code(secret, 1));
		assertThat(in.status()).isEqualTo(200);
		ApiClient boss = this.api.withToken(in.field("access_token"));
		assertThat(boss.get("/api/users").status()).isEqualTo(200);
		Response disable = boss.post("/api/auth/mfa/disable",
				code(confirmed.json().get("recovery_codes").get(0).asString()));
		assertThat(disable.status()).isEqualTo(409);
		assertThat(disable.problemType()).isEqualTo("urn:nexus:problem:mfa_required_for_admins");
	}

	@Test
	void operatorsAndViewersWithoutMfaAreNotAffected() {
		user("worker", "operator");
		user("watcher", "viewer");
		Response operator = login("worker", null);
		assertThat(operator.status()).isEqualTo(200);
		assertThat(operator.field("access_token")).startsWith("ey");
		assertThat(login("watcher", null).status()).isEqualTo(200);
		ApiClient viewer = new ApiClient(this.port).login("watcher", PASSWORD);
		assertThat(viewer.post("/api/auth/mfa/setup", "").status()).isEqualTo(200);
	}

	@Test
	void aPromotedUserMustEnrolAtTheNextLogin() {
		String id = user("rising", "viewer");
		assertThat(login("rising", null).status()).isEqualTo(200);
		assertThat(this.api.put("/api/users/" + id, "{\"role\":\"admin\"}").status()).isEqualTo(200);
		Response refused = login("rising", null);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:mfa_enrolment_required");
		assertThat(this.api.put("/api/users/" + id, "{\"role\":\"operator\"}").status()).isEqualTo(200);
		assertThat(login("rising", null).status()).isEqualTo(200);
	}

	@Test
	void aSessionOfAnAdminWithoutMfaCannotBeRefreshed() {
		user("elder", "admin");
		Response opened = enrol("elder", PASSWORD);
		assertThat(opened.field("refresh_token")).startsWith("nxr_");
		// as if the session had been opened before enforcement was turned on
		this.jdbc.sql("DELETE FROM user_mfa_recovery_codes WHERE username = 'elder'").update();
		this.jdbc.sql("DELETE FROM user_mfa WHERE username = 'elder'").update();
		Response refused = this.api.withoutToken()
			.post("/api/auth/refresh", "{\"refresh_token\":\"" + opened.field("refresh_token") + "\"}");
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.problemType()).isEqualTo("urn:nexus:problem:mfa_enrolment_required");
		assertThat(refused.json().has("enrolment_token")).as("no enrolment token for a refresh token").isFalse();
		assertThat(refused.json().has("access_token")).isFalse();
		assertThat(this.api.withToken(opened.field("access_token")).get("/api/tasks").status())
			.as("the session has ended")
			.isEqualTo(401);
		assertThat(liveSessions("elder")).isZero();
	}

	@Test
	void theLoginPageTakesAnAdminWithoutMfaToEnrolmentWithoutASession() throws Exception {
		user("deskboss", "admin");
		HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		String base = "http://localhost:" + this.port;
		String page = browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), BodyHandlers.ofString())
			.body();
		Matcher csrf = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(page);
		assertThat(csrf.find()).as(page).isTrue();
		String form = "username=deskboss&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
				+ "&code=&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
		HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), BodyHandlers.ofString());
		assertThat(posted.statusCode()).isEqualTo(302);
		assertThat(posted.headers().firstValue("Location").orElseThrow()).endsWith("/login/enrol");
		HttpResponse<String> home = browser.send(
				HttpRequest.newBuilder(URI.create(base + "/")).header("Accept", "text/html").build(),
				BodyHandlers.ofString());
		assertThat(home.statusCode()).as("no dashboard session").isEqualTo(302);
		assertThat(home.headers().firstValue("Location").orElseThrow()).endsWith("/login/enrol");
		assertThat(liveSessions("deskboss")).isZero();
		String enrolment = browser
			.send(HttpRequest.newBuilder(URI.create(base + "/login/enrol")).build(), BodyHandlers.ofString())
			.body();
		assertThat(enrolment).contains("two-factor authentication").contains("otpauth://totp/Nexus:deskboss");
	}

	private ApiClient enrolAndLogIn(String username, String password) {
		return new ApiClient(this.port).withToken(enrol(username, password).field("access_token"));
	}

	/** Enrols a user who must, through the enrolment token, and logs in with a code. */
	private Response enrol(String username, String password) {
		Response refused = this.api.withoutToken()
			.post("/api/auth/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
		assertThat(refused.status()).as("%s", refused).isEqualTo(403);
		ApiClient enrolling = new ApiClient(this.port).withToken(refused.field("enrolment_token"));
		String secret = enrolling.post("/api/auth/mfa/setup", "").field("secret");
		assertThat(enrolling.post("/api/auth/mfa/confirm", code(MfaIntegrationTests.code(secret, 0))).status())
			.isEqualTo(200);
		Response in = this.api.withoutToken()
			.post("/api/auth/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"code\":\""
					+ MfaIntegrationTests.code(secret, 1) + "\"}");
		assertThat(in.status()).as("%s", in).isEqualTo(200);
		return in;
	}

	private String user(String username, String role) {
		Response created = this.api.post("/api/users",
				"{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + role + "\"}");
		assertThat(created.status()).as("%s", created).isEqualTo(201);
		return created.field("id");
	}

	private Response login(String username, String code) {
		String body = "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\""
				+ ((code != null) ? ",\"code\":\"" + code + "\"" : "") + "}";
		return this.api.withoutToken().post("/api/auth/login", body);
	}

	private long liveSessions(String username) {
		return this.jdbc.sql("SELECT COUNT(*) FROM auth_sessions WHERE username = :username AND revoked_at IS NULL")
			.param("username", username)
			.query(Long.class)
			.single();
	}

	private static String code(String code) {
		return "{\"code\":\"" + code + "\"}";
	}

	private static String base64Url(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
