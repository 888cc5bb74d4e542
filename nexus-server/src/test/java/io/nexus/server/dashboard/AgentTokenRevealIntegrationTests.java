package io.nexus.server.dashboard;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token of an agent registered (or re-issued) on the dashboard is shown once, and
 * never rests in the database-stored browser session in the clear: the session holds it
 * sealed, the key rides in a short-lived cookie of the agent's page.
 */
class AgentTokenRevealIntegrationTests extends ApiIntegrationTest {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+(?:value|content)=\"([^\"]+)\"");

	private static final Pattern TOKEN = Pattern.compile("id=\"agent-token\"[^>]*value=\"(nxa_[^\"]+)\"");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void registrationTokenIsSealedInTheSessionAndShownOnceWithItsCookie() throws Exception {
		Browser browser = new Browser();
		browser.logIn("admin", ADMIN_PASSWORD);

		HttpResponse<String> registered = browser.post("/agents", Map.of("name", "Reveal Agent", "id", "reveal-agent",
				"capabilities", "automation", "priorityScore", "0", "maxConcurrency", "1"));
		assertThat(registered.statusCode()).isEqualTo(302);
		assertThat(registered.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).endsWith("/agents/reveal-agent"));
		List<String> cookies = registered.headers().allValues("Set-Cookie");
		assertThat(cookies).anySatisfy((cookie) -> assertThat(cookie).startsWith(TokenReveal.COOKIE + "=")
			.contains("Path=/agents/reveal-agent")
			.contains("HttpOnly")
			.contains("SameSite=Strict"));

		// between the form and the page, the flash sits in the session row: sealed
		List<byte[]> attributes = this.jdbc.sql("SELECT attribute_bytes FROM spring_session_attributes")
			.query((rs, row) -> rs.getBytes(1))
			.list();
		assertThat(attributes).as("the flash is stored in the session table")
			.anySatisfy((bytes) -> assertThat(contains(bytes, "reveal-agent")).isTrue());
		assertThat(attributes).as("no agent token in the clear in any session attribute")
			.noneSatisfy((bytes) -> assertThat(contains(bytes, "nxa_")).isTrue());

		HttpResponse<String> page = browser.get("/agents/reveal-agent");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
		Matcher token = TOKEN.matcher(page.body());
		assertThat(token.find()).as("the token is shown on the agent's page").isTrue();
		try (RawAgent agent = RawAgent.register(this.port, "reveal-agent", token.group(1))) {
			assertThat(agent.isClosed()).as("the shown token is the agent's token").isFalse();
		}
		assertThat(browser.get("/agents/reveal-agent").body()).as("shown once").doesNotContain("agent-token");
	}

	@Test
	void withoutTheRevealCookieTheSealedTokenCannotBeOpened() throws Exception {
		Browser browser = new Browser();
		browser.logIn("admin", ADMIN_PASSWORD);
		HttpResponse<String> registered = browser.post("/agents", Map.of("name", "Cookieless Agent", "id",
				"cookieless-agent", "capabilities", "automation", "priorityScore", "0", "maxConcurrency", "1"));
		assertThat(registered.statusCode()).isEqualTo(302);
		browser.forget(TokenReveal.COOKIE);

		HttpResponse<String> page = browser.get("/agents/cookieless-agent");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).doesNotContain("agent-token").doesNotContain("nxa_");
	}

	private static boolean contains(byte[] haystack, String needle) {
		byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
		outer: for (int i = 0; i <= haystack.length - bytes.length; i++) {
			for (int j = 0; j < bytes.length; j++) {
				if (haystack[i + j] != bytes[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

	/**
	 * A browser's cookies, sent to every path (the server scopes them; this test does not
	 * need to).
	 */
	private final class Browser {

		private final Map<String, String> cookies = new LinkedHashMap<>();

		void logIn(String username, String password) throws IOException {
			HttpResponse<String> login = post("/login", Map.of("username", username, "password", password));
			assertThat(login.statusCode()).isEqualTo(302);
			assertThat(login.headers().firstValue("Location"))
				.hasValueSatisfying((location) -> assertThat(location).doesNotContain("error"));
		}

		void forget(String name) {
			this.cookies.remove(name);
		}

		HttpResponse<String> get(String path) throws IOException {
			return remember(send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").GET()));
		}

		HttpResponse<String> post(String path, Map<String, String> form) throws IOException {
			Map<String, String> fields = new LinkedHashMap<>(form);
			fields.put("_csrf", csrf(path.equals("/login") ? "/login" : "/agents"));
			String body = fields.entrySet()
				.stream()
				.map((field) -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
			return remember(send(HttpRequest.newBuilder(uri(path))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Accept", "text/html")
				.POST(HttpRequest.BodyPublishers.ofString(body))));
		}

		private String csrf(String page) throws IOException {
			Matcher token = CSRF.matcher(get(page).body());
			assertThat(token.find()).as("a CSRF token on " + page).isTrue();
			return token.group(1);
		}

		private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
			if (!this.cookies.isEmpty()) {
				request.header("Cookie",
						this.cookies.entrySet()
							.stream()
							.map((cookie) -> cookie.getKey() + "=" + cookie.getValue())
							.collect(Collectors.joining("; ")));
			}
			try {
				return AgentTokenRevealIntegrationTests.this.http.send(request.build(),
						HttpResponse.BodyHandlers.ofString());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
		}

		private HttpResponse<String> remember(HttpResponse<String> response) {
			response.headers().allValues("Set-Cookie").forEach((header) -> {
				String pair = header.substring(0, header.indexOf(';'));
				String name = pair.substring(0, pair.indexOf('='));
				String value = pair.substring(pair.indexOf('=') + 1);
				if (value.isEmpty()) {
					this.cookies.remove(name);
				}
				else {
					this.cookies.put(name, value);
				}
			});
			return response;
		}

		private URI uri(String path) {
			return URI.create("http://localhost:" + AgentTokenRevealIntegrationTests.this.port + path);
		}

	}

}
