package io.nexus.server.security;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dashboard sessions live in the database (Spring Session JDBC): a login stores one row
 * under the user's name, logout and an admin's "end every session" delete it, the cookie
 * is HttpOnly, SameSite=Lax and (behind a TLS proxy) Secure, CSRF still guards the forms,
 * and the stateless API never writes a session. This class has a context of its own (the
 * properties below), so the session table holds only its rows.
 */
@TestPropertySource(properties = { "server.servlet.session.timeout=45m", "nexus.security.behind-tls-proxy=true" })
class DashboardSessionsIntegrationTests extends ApiIntegrationTest {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+(?:value|content)=\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeEach
	void forgetSessions() {
		this.jdbc.sql("DELETE FROM spring_session").update();
	}

	@Test
	void apiCallsWithTokensAndAnonymousMachineCallsCreateNoSession() {
		this.api.get("/api/agents");
		this.api.post("/api/tasks", "{\"title\":\"stateless\"}");
		this.api.get("/api/tasks");
		assertThat(rows("spring_session")).as("after API calls").isZero();
		assertThat(this.api.get("/status").status()).isEqualTo(200);
		assertThat(this.api.get("/metrics").status()).isEqualTo(200);
		assertThat(this.api.get("/v3/api-docs").status()).isEqualTo(200);
		assertThat(rows("spring_session")).as("after machine endpoints with a token").isZero();
		ApiClient anonymous = new ApiClient(this.port);
		assertThat(anonymous.get("/api/tasks").status()).isEqualTo(401);
		assertThat(rows("spring_session")).as("after an anonymous API call").isZero();
		assertThat(anonymous.get("/status").status()).isEqualTo(401);
		assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
		assertThat(anonymous.get("/dashboard/events").status()).isEqualTo(401);
		assertThat(rows("spring_session")).as("after anonymous calls of machine endpoints").isZero();
	}

	@Test
	void loginStoresTheSessionUnderTheUserAndLogoutDeletesIt() throws Exception {
		Browser browser = new Browser();
		browser.logIn("admin", ADMIN_PASSWORD);
		assertThat(sessionsOf("admin")).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT max_inactive_interval FROM spring_session WHERE principal_name = 'admin'")
			.query(Integer.class)
			.single()).as("server.servlet.session.timeout").isEqualTo(45 * 60);
		assertThat(browser.get("/").statusCode()).isEqualTo(200);

		HttpResponse<String> logout = browser.post("/logout", Map.of("_csrf", browser.csrf("/")));
		assertThat(logout.statusCode()).isEqualTo(302);
		assertThat(sessionsOf("admin")).isZero();
		assertThat(browser.get("/").headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/login"));
	}

	@Test
	void sessionCookieIsHttpOnlySameSiteLaxAndSecureBehindTlsProxy() throws Exception {
		HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/login")).GET(), null);
		String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
		assertThat(cookie).startsWith("NEXUS_SESSION=")
			.contains("; HttpOnly", "; SameSite=Lax", "; Secure", "; Path=/");
	}

	@Test
	void formsWithoutTheSessionsCsrfTokenAreRefused() throws Exception {
		Browser browser = new Browser();
		browser.logIn("admin", ADMIN_PASSWORD);
		assertThat(browser.post("/tasks", Map.of("title", "no token")).statusCode()).isEqualTo(403);
		assertThat(browser.post("/tasks", Map.of("title", "forged", "_csrf", "forged")).statusCode()).isEqualTo(403);
		Browser stranger = new Browser();
		String strangersToken = stranger.csrf("/login");
		assertThat(browser.post("/tasks", Map.of("title", "stranger's token", "_csrf", strangersToken)).statusCode())
			.as("a token of another session")
			.isEqualTo(403);
	}

	@Test
	void endingAllSessionsOfAUserEndsTheirDashboardSessions() throws Exception {
		String id = this.api
			.post("/api/users", "{\"username\":\"night-shift\",\"password\":\"night-shift-pass\",\"role\":\"viewer\"}")
			.field("id");
		Browser first = new Browser();
		first.logIn("night-shift", "night-shift-pass");
		Browser second = new Browser();
		second.logIn("night-shift", "night-shift-pass");
		Browser admin = new Browser();
		admin.logIn("admin", ADMIN_PASSWORD);
		assertThat(sessionsOf("night-shift")).isEqualTo(2);
		assertThat(first.get("/").statusCode()).isEqualTo(200);

		assertThat(this.api.delete("/api/users/" + id + "/sessions").status()).isEqualTo(204);

		assertThat(sessionsOf("night-shift")).isZero();
		assertThat(first.get("/").statusCode()).isEqualTo(302);
		assertThat(second.get("/tasks").statusCode()).isEqualTo(302);
		assertThat(admin.get("/").statusCode()).as("other users' sessions stay").isEqualTo(200);
	}

	private long sessionsOf(String username) {
		return this.jdbc.sql("SELECT COUNT(*) FROM spring_session WHERE principal_name = :name")
			.param("name", username)
			.query(Long.class)
			.single();
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private HttpResponse<String> send(HttpRequest.Builder request, String cookie) throws IOException {
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * A browser's view of the session: keeps the session cookie itself, since
	 * {@code java.net}'s cookie store would not send a {@code Secure} cookie over HTTP.
	 */
	private final class Browser {

		private String cookie;

		void logIn(String username, String password) throws IOException {
			HttpResponse<String> login = post("/login",
					Map.of("username", username, "password", password, "_csrf", csrf("/login")));
			assertThat(login.statusCode()).isEqualTo(302);
			assertThat(login.headers().firstValue("Location"))
				.hasValueSatisfying((location) -> assertThat(location).doesNotContain("error"));
		}

		String csrf(String page) throws IOException {
			HttpResponse<String> response = get(page);
			Matcher token = CSRF.matcher(response.body());
			assertThat(token.find()).as("a CSRF token on " + page).isTrue();
			return token.group(1);
		}

		HttpResponse<String> get(String path) throws IOException {
			return remember(send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").GET(), this.cookie));
		}

		HttpResponse<String> post(String path, Map<String, String> form) throws IOException {
			String body = form.entrySet()
				.stream()
				.map((field) -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
			return remember(send(HttpRequest.newBuilder(uri(path))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Accept", "text/html")
				.POST(HttpRequest.BodyPublishers.ofString(body)), this.cookie));
		}

		private HttpResponse<String> remember(HttpResponse<String> response) {
			response.headers().allValues("Set-Cookie").forEach((header) -> {
				String pair = header.substring(0, header.indexOf(';'));
				this.cookie = pair.endsWith("=") ? null : pair;
			});
			return response;
		}

	}

}
