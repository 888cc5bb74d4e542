package io.nexus.server.dashboard;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard theme is remembered per user on the server: chosen in one browser, it is
 * there in any other, and only for that user. The clients here keep no cookies, so each
 * request is a fresh browser.
 */
class ThemePreferencesIntegrationTests extends ApiIntegrationTest {

	private static final Pattern THEME = Pattern.compile("<html[^>]*data-theme=\"([a-z]+)\"");

	@Test
	void themeChosenWithTheSwitchFollowsTheUserToAFreshBrowser() {
		createViewer("theme-ana");
		createViewer("theme-ben");
		ApiClient ana = new ApiClient(this.port).login("theme-ana", "theme-password-1");
		assertThat(themeOf(ana.get("/agents?theme=matrix"))).as("?theme= applies to the view").isEqualTo("matrix");

		ApiClient anaElsewhere = new ApiClient(this.port).login("theme-ana", "theme-password-1");
		assertThat(themeOf(anaElsewhere.get("/"))).as("and is remembered for the user").isEqualTo("matrix");
		assertThat(themeOf(anaElsewhere.get("/tasks"))).isEqualTo("matrix");
		assertThat(anaElsewhere.get("/api/users/me/preferences").field("theme")).isEqualTo("matrix");

		ApiClient ben = new ApiClient(this.port).login("theme-ben", "theme-password-1");
		assertThat(themeOf(ben.get("/"))).as("another user keeps the default").isEqualTo("modern");
		assertThat(ben.get("/api/users/me/preferences").field("theme")).isEqualTo("modern");
	}

	@Test
	void preferencesApiSetsTheThemeAndRefusesUnknownOnes() {
		createViewer("theme-cleo");
		ApiClient cleo = new ApiClient(this.port).login("theme-cleo", "theme-password-1");
		ApiClient.Response set = cleo.put("/api/users/me/preferences", "{\"theme\":\"cyberpunk\"}");
		assertThat(set.status()).isEqualTo(200);
		assertThat(set.field("theme")).isEqualTo("cyberpunk");
		assertThat(set.json().get("available_themes").toString()).contains("modern", "cyberpunk", "glassmorphism",
				"matrix");
		assertThat(themeOf(new ApiClient(this.port).login("theme-cleo", "theme-password-1").get("/analytics")))
			.isEqualTo("cyberpunk");

		ApiClient.Response unknown = cleo.put("/api/users/me/preferences", "{\"theme\":\"neon\"}");
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.problemType()).isEqualTo("urn:nexus:problem:invalid_theme");
		ApiClient.Response missing = cleo.put("/api/users/me/preferences", "{}");
		assertThat(missing.status()).isEqualTo(400);
		assertThat(missing.isProblem()).isTrue();
		assertThat(cleo.get("/api/users/me/preferences").field("theme")).as("unchanged by bad requests")
			.isEqualTo("cyberpunk");
	}

	@Test
	void preferencesBelongToPeopleNotAgents() {
		String token = this.api.post("/api/agents", "{\"id\":\"theme-agent\",\"name\":\"t\",\"capabilities\":[\"t\"]}")
			.field("token");
		assertThat(this.api.withToken(token).get("/api/users/me/preferences").status()).isEqualTo(403);
		assertThat(this.api.withoutToken().put("/api/users/me/preferences", "{\"theme\":\"matrix\"}").status())
			.isEqualTo(401);
	}

	@Test
	void loginPageFallsBackOnTheCookie() {
		ApiClient.Response login = this.api.withoutToken()
			.send("GET", "/login", BodyPublishers.noBody(), null, "Cookie", "nexus_theme=glassmorphism");
		assertThat(themeOf(login)).isEqualTo("glassmorphism");
		assertThat(themeOf(this.api.withoutToken().get("/login"))).isEqualTo("modern");
	}

	private void createViewer(String username) {
		assertThat(this.api
			.post("/api/users",
					"{\"username\":\"" + username + "\",\"password\":\"theme-password-1\",\"role\":\"viewer\"}")
			.status()).isEqualTo(201);
	}

	private static String themeOf(ApiClient.Response page) {
		assertThat(page.status()).isEqualTo(200);
		Matcher matcher = THEME.matcher(page.body());
		assertThat(matcher.find()).as("a themed page").isTrue();
		return matcher.group(1);
	}

}
