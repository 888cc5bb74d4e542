package io.nexus.server.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import io.nexus.server.support.RawAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Probes of Nexus's own access tokens built by hand: each must be refused with 401 and a
 * problem, on the API and (where a bearer token is read) on the agent WebSocket. The
 * external issuer's tokens are probed in {@link OidcSingleSignOnIntegrationTests}.
 * Covered elsewhere and not repeated: a replayed refresh token revokes its session
 * ({@link SessionsAndAuditIntegrationTests#refreshRotatesAndReuseRevokesTheWholeSession}),
 * an agent token cannot act on other agents or their tasks
 * ({@link AccountsKeysAndAgentsIntegrationTests#agentsActOnlyOnThemselvesAndTasksLeasedToThem}),
 * the last admin cannot be demoted or disabled
 * ({@link AccountsKeysAndAgentsIntegrationTests#theLastAdminCannotBeDemotedOrDisabled}),
 * repeated wrong passwords lock the login with 429
 * ({@link AccountsKeysAndAgentsIntegrationTests#repeatedLoginFailuresLockTheUserOutWith429}),
 * and an enrolment token works only for MFA enrolment
 * ({@link MfaEnforcementIntegrationTests}).
 */
class TokenForgeryIntegrationTests extends ApiIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PASSWORD = "probe-password-12";

	@Autowired
	private SecretKey jwtSigningKey;

	@Test
	void aHandMadeTokenWithTheRealKeyIsAcceptedSoTheProbesBelowMeanSomething() {
		Session viewer = viewerSession("probe-control");
		Response accepted = anonymous().withToken(sign(claims("probe-control", "viewer", viewer.sid), HS256))
			.get("/api/tasks");
		assertThat(accepted.status()).isEqualTo(200);
	}

	@Test
	void expiredWrongIssuerAndEnrolmentAudienceAreRefused() {
		Session viewer = viewerSession("probe-claims");
		Map<String, Object> expired = claims("probe-claims", "viewer", viewer.sid);
		expired.put("iat", Instant.now().minusSeconds(7200).getEpochSecond());
		expired.put("exp", Instant.now().minusSeconds(3600).getEpochSecond());
		Map<String, Object> issuer = claims("probe-claims", "viewer", viewer.sid);
		issuer.put("iss", "https://evil.example");
		Map<String, Object> audience = claims("probe-claims", "viewer", viewer.sid);
		audience.put("aud", java.util.List.of("nexus-mfa-enrolment"));
		Map<String, Object> noSession = claims("probe-claims", "admin", viewer.sid);
		noSession.remove("sid");
		Map<String, Object> noExpiry = claims("probe-claims", "viewer", viewer.sid);
		noExpiry.remove("exp");
		assertRefused("expired", sign(expired, HS256));
		assertRefused("wrong issuer", sign(issuer, HS256));
		assertRefused("enrolment audience", sign(audience, HS256));
		assertRefused("no session", sign(noSession, HS256));
		assertRefused("unknown session", sign(claims("probe-claims", "admin", "sess_forged"), HS256));
	}

	@Test
	void unsignedTamperedForeignKeyAndAlgorithmConfusionAreRefused() throws Exception {
		Session viewer = viewerSession("probe-sig");
		String[] real = viewer.access.split("\\.");
		Map<String, Object> promoted = claims("probe-sig", "admin", viewer.sid);
		assertRefused("alg none", base64(JSON.writeValueAsString(Map.of("alg", "none", "typ", "JWT"))) + "."
				+ base64(JSON.writeValueAsString(promoted)) + ".");
		assertRefused("alg none, no dot",
				base64("{\"alg\":\"none\"}") + "." + base64(JSON.writeValueAsString(promoted)));
		assertRefused("viewer made admin, original signature",
				real[0] + "." + base64(JSON.writeValueAsString(promoted)) + "." + real[2]);
		SecretKey other = new SecretKeySpec(
				"another-secret-of-at-least-32-bytes-long!".getBytes(StandardCharsets.UTF_8), "HmacSHA256");
		assertRefused("foreign HS256 key", sign(promoted, HS256, other));
		assertRefused("RS256 header, HMAC signature", sign(promoted, Map.of("alg", "RS256", "typ", "JWT")));
		assertRefused("HS512 header", sign(promoted, Map.of("alg", "HS512", "typ", "JWT")));
		assertRefused("signature stripped", real[0] + "." + real[1] + ".");
		assertThat(anonymous().withToken(viewer.access).post("/api/tasks", "{\"title\":\"t\"}").status())
			.as("the real viewer token still cannot write")
			.isEqualTo(403);
	}

	@Test
	void tokensOfRevokedSessionsAndDisabledUsersAreRefused() {
		Session loggedOut = viewerSession("probe-out");
		assertThat(anonymous().withToken(loggedOut.access).post("/api/auth/logout", "").status()).isEqualTo(204);
		assertRefused("logged out", loggedOut.access);
		assertRefused("re-signed for the revoked session", sign(claims("probe-out", "admin", loggedOut.sid), HS256));

		Session disabled = viewerSession("probe-off");
		String id = this.jdbc.sql("SELECT id FROM users WHERE username = 'probe-off'").query(String.class).single();
		assertThat(this.api.put("/api/users/" + id, "{\"enabled\":false}").status()).isEqualTo(200);
		assertRefused("disabled user", disabled.access);
		Response refresh = anonymous().post("/api/auth/refresh", "{\"refresh_token\":\"" + disabled.refresh + "\"}");
		assertThat(refresh.status()).isEqualTo(401);
	}

	@Test
	void refreshAndAccessTokensCannotStandInForEachOther() {
		Session viewer = viewerSession("probe-swap");
		assertRefused("refresh token as bearer", viewer.refresh);
		Response accessAsRefresh = anonymous().post("/api/auth/refresh",
				"{\"refresh_token\":\"" + viewer.access + "\"}");
		assertThat(accessAsRefresh.status()).isBetween(400, 401);
		assertThat(accessAsRefresh.isProblem()).isTrue();
		assertThat(accessAsRefresh.json().has("access_token")).isFalse();
		Response shortened = anonymous().post("/api/auth/refresh",
				"{\"refresh_token\":\"" + viewer.access.substring(0, 90) + "\"}");
		assertThat(shortened.status()).isEqualTo(401);
		assertThat(anonymous().withToken(viewer.access).get("/api/tasks").status()).as("still live").isEqualTo(200);
	}

	@Test
	void userTokensAndForgedTokensCannotRegisterAnAgentOverTheWebSocket() {
		String agentId = this.api.post("/api/agents", "{\"name\":\"probe-agent\",\"capabilities\":[\"p\"]}")
			.field("id");
		Session viewer = viewerSession("probe-ws");
		String forged = sign(claims("probe-ws", "admin", viewer.sid), HS256);
		for (String token : new String[] { this.api.token(), viewer.access, forged, viewer.refresh, "nxa_forged" }) {
			try (RawAgent socket = RawAgent.connectWithBearer(this.port, token)) {
				socket.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agentId + "\"}");
				assertThat(socket.next("error").get("code").asString()).isEqualTo("unauthorized");
				assertThat(socket.awaitClose()).isEqualTo(4401);
			}
			try (RawAgent socket = RawAgent.connect(this.port)) {
				socket
					.send("{\"type\":\"agent_register\",\"agent_id\":\"" + agentId + "\",\"token\":\"" + token + "\"}");
				assertThat(socket.next("error").get("code").asString()).isEqualTo("unauthorized");
				assertThat(socket.awaitClose()).isEqualTo(4401);
			}
		}
		assertThat(this.api.get("/api/agents/" + agentId).json().get("online").asBoolean()).isFalse();
	}

	@Test
	void operatorsCannotRaiseTheirOwnPrivileges() {
		this.api.post("/api/users",
				"{\"username\":\"probe-op\",\"password\":\"" + PASSWORD + "\",\"role\":\"operator\"}");
		String id = this.jdbc.sql("SELECT id FROM users WHERE username = 'probe-op'").query(String.class).single();
		ApiClient operator = new ApiClient(this.port).login("probe-op", PASSWORD);
		Response adminKey = operator.post("/api/api-keys", "{\"name\":\"up\",\"role\":\"admin\"}");
		assertThat(adminKey.status()).isEqualTo(422);
		assertThat(adminKey.isProblem()).isTrue();
		assertThat(adminKey.body()).doesNotContain("nxk_");
		Response promote = operator.put("/api/users/" + id, "{\"role\":\"admin\"}");
		assertThat(promote.status()).isEqualTo(403);
		assertThat(operator.get("/api/users").status()).isEqualTo(403);
		assertThat(operator
			.post("/api/users", "{\"username\":\"probe-sock\",\"password\":\"" + PASSWORD + "\",\"role\":\"admin\"}")
			.status()).isEqualTo(403);
		assertThat(this.jdbc.sql("SELECT role FROM users WHERE username = 'probe-op'").query(String.class).single())
			.isEqualTo("operator");
		assertThat(rows("users WHERE username = 'probe-sock'")).isZero();
	}

	private void assertRefused(String probe, String token) {
		for (String path : new String[] { "/api/tasks", "/api/auth/sessions", "/status" }) {
			Response response = anonymous().withToken(token).get(path);
			assertThat(response.status()).as("%s on %s", probe, path).isEqualTo(401);
			assertThat(response.isProblem()).as("%s on %s", probe, path).isTrue();
		}
		assertThat(anonymous().withToken(token).post("/api/tasks", "{\"title\":\"forged\"}").status()).as(probe)
			.isEqualTo(401);
	}

	private Session viewerSession(String username) {
		this.api.post("/api/users",
				"{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}");
		Response login = anonymous().post("/api/auth/login",
				"{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}");
		assertThat(login.status()).isEqualTo(200);
		return new Session(login.field("access_token"), login.field("refresh_token"), login.field("session_id"));
	}

	private ApiClient anonymous() {
		return this.api.withoutToken();
	}

	private static final Map<String, Object> HS256 = Map.of("alg", "HS256");

	private static Map<String, Object> claims(String username, String role, String sid) {
		long now = Instant.now().getEpochSecond();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iss", "nexus");
		claims.put("sub", username);
		claims.put("iat", now);
		claims.put("exp", now + 600);
		claims.put("roles", java.util.List.of(role));
		claims.put("sid", sid);
		return claims;
	}

	private String sign(Map<String, Object> claims, Map<String, Object> header) {
		return sign(claims, header, this.jwtSigningKey);
	}

	private static String sign(Map<String, Object> claims, Map<String, Object> header, SecretKey key) {
		String input = base64(JSON.writeValueAsString(header)) + "." + base64(JSON.writeValueAsString(claims));
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return input + "."
					+ Base64.getUrlEncoder()
						.withoutPadding()
						.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String base64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	private record Session(String access, String refresh, String sid) {

	}

}
