package io.nexus.server.security;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Login, refresh rotation and reuse detection, logout, and the audit trail, over real
 * HTTP.
 */
class SessionsAndAuditIntegrationTests extends ApiIntegrationTest {

	@Test
	void loginKeepsItsContractAndAddsARefreshToken() {
		Response login = anonymous().post("/api/auth/login", credentials("admin", ADMIN_PASSWORD));
		assertThat(login.status()).isEqualTo(200);
		assertThat(login.field("token_type")).isEqualTo("Bearer");
		assertThat(login.json().get("expires_in").asLong()).isEqualTo(900);
		assertThat(login.field("access_token")).startsWith("ey");
		assertThat(login.field("refresh_token")).startsWith("nxr_");
		assertThat(audit("?action=auth.login&outcome=success&actor=admin").size()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void failedLoginIsAuditedWithoutThePassword() {
		Response failed = anonymous().post("/api/auth/login", credentials("admin", "not-the-password-77"));
		assertThat(failed.status()).isEqualTo(401);
		JsonNode entries = audit("?action=auth.login&outcome=failure");
		assertThat(entries.size()).isGreaterThanOrEqualTo(1);
		assertThat(entries.get(0).get("actor").asString()).isEqualTo("admin");
		assertThat(entries.get(0).get("address").asString()).isNotBlank();
		assertThat(this.api.get("/api/audit?limit=500").body()).doesNotContain("not-the-password-77");
	}

	@Test
	void refreshRotatesAndReuseRevokesTheWholeSession() {
		Response login = anonymous().post("/api/auth/login", credentials("admin", ADMIN_PASSWORD));
		String first = login.field("refresh_token");
		Response rotated = anonymous().post("/api/auth/refresh", refresh(first));
		assertThat(rotated.status()).isEqualTo(200);
		String second = rotated.field("refresh_token");
		assertThat(second).isNotEqualTo(first);
		String access = rotated.field("access_token");
		assertThat(anonymous().withToken(access).get("/api/tasks").status()).isEqualTo(200);

		Response replay = anonymous().post("/api/auth/refresh", refresh(first));
		assertThat(replay.status()).isEqualTo(401);
		assertThat(replay.problemType()).isEqualTo("urn:nexus:problem:invalid_refresh_token");
		assertThat(anonymous().post("/api/auth/refresh", refresh(second)).status()).isEqualTo(401);
		assertThat(anonymous().withToken(access).get("/api/tasks").status()).isEqualTo(401);
		assertThat(audit("?action=auth.refresh_reuse").size()).isEqualTo(1);
	}

	@Test
	void logoutEndsTheSessionOfTheToken() {
		ApiClient session = new ApiClient(this.port).login("admin", ADMIN_PASSWORD);
		assertThat(session.get("/api/auth/sessions").json().size()).isGreaterThanOrEqualTo(1);
		assertThat(session.post("/api/auth/logout", "").status()).isEqualTo(204);
		Response after = session.get("/api/tasks");
		assertThat(after.status()).isEqualTo(401);
		assertThat(after.isProblem()).isTrue();
		assertThat(this.api.get("/api/tasks").status()).isEqualTo(200);
	}

	@Test
	void logoutAllEndsEverySessionOfTheUser() {
		this.api.post("/api/users", "{\"username\":\"multi\",\"password\":\"multi-password-1\",\"role\":\"viewer\"}");
		ApiClient one = new ApiClient(this.port).login("multi", "multi-password-1");
		ApiClient two = new ApiClient(this.port).login("multi", "multi-password-1");
		JsonNode sessions = one.get("/api/auth/sessions").json();
		assertThat(sessions.size()).isEqualTo(2);
		assertThat(sessions.get(0).has("user_agent")).isTrue();
		assertThat(one.post("/api/auth/logout-all", "").status()).isEqualTo(204);
		assertThat(one.get("/api/tasks").status()).isEqualTo(401);
		assertThat(two.get("/api/tasks").status()).isEqualTo(401);
	}

	@Test
	void forgedTamperedAndUnsignedTokensAreRefused() {
		String token = this.api.token();
		String[] parts = token.split("\\.");
		String none = base64("{\"alg\":\"none\"}") + "." + parts[1] + ".";
		String tampered = parts[0] + "." + base64(
				"{\"iss\":\"nexus\",\"sub\":\"admin\",\"roles\":[\"admin\"]," + "\"sid\":\"x\",\"exp\":9999999999}")
				+ "." + parts[2];
		for (String bad : new String[] { none, tampered, "nxk_unknown", "nxa_unknown", "garbage" }) {
			Response response = anonymous().withToken(bad).get("/api/tasks");
			assertThat(response.status()).as(bad).isEqualTo(401);
			assertThat(response.isProblem()).isTrue();
		}
	}

	@Test
	void auditIsPagedByCursorAndFilteredAndAdminOnly() {
		for (int i = 0; i < 3; i++) {
			this.api.post("/api/tasks/task_missing_" + i + "/cancel", "");
			this.api.post("/api/enrollment-keys", "{\"name\":\"k" + i + "\",\"capabilities\":[\"x\"]}");
		}
		Response page = this.api.get("/api/audit?action=enrollment_key.&limit=2");
		assertThat(page.json().get("items").size()).isEqualTo(2);
		String cursor = page.json().get("next_cursor").asString();
		Response next = this.api.get("/api/audit?action=enrollment_key.&limit=2&cursor=" + cursor);
		assertThat(next.json().get("items").size()).isEqualTo(1);
		assertThat(next.json().get("items").get(0).get("seq").asLong())
			.isLessThan(page.json().get("items").get(1).get("seq").asLong());
		assertThat(this.api.get("/api/audit?outcome=maybe").status()).isEqualTo(400);
		assertThat(this.api.get("/api/audit?since=yesterday").status()).isEqualTo(400);
		this.api.post("/api/users",
				"{\"username\":\"peeker\",\"password\":\"peeker-password-1\",\"role\":\"operator\"}");
		ApiClient operator = new ApiClient(this.port).login("peeker", "peeker-password-1");
		assertThat(operator.get("/api/audit").status()).isEqualTo(403);
		assertThat(audit("?action=access.denied&actor=peeker").size()).isEqualTo(1);
	}

	private JsonNode audit(String query) {
		Response response = this.api.get("/api/audit" + query);
		assertThat(response.status()).as("%s", response).isEqualTo(200);
		return response.json().get("items");
	}

	private ApiClient anonymous() {
		return this.api.withoutToken();
	}

	static String credentials(String username, String password) {
		return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
	}

	private static String refresh(String token) {
		return "{\"refresh_token\":\"" + token + "\"}";
	}

	private static String base64(String json) {
		return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
	}

}
