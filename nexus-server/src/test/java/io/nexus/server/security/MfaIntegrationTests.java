package io.nexus.server.security;

import java.time.Instant;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TOTP multi-factor authentication over real HTTP: enrolment, login with and without a
 * code, recovery codes, disabling and an admin's reset.
 */
class MfaIntegrationTests extends ApiIntegrationTest {

	private static final String PASSWORD = "mfa-user-password-1";

	@Test
	void enrolThenLoginNeedsACodeAndEachCodeWorksOnce() {
		Enrolled user = enrol("mfa-alice");
		assertThat(user.setup.field("otpauth_uri")).isEqualTo("otpauth://totp/Nexus:mfa-alice?secret=" + user.secret
				+ "&issuer=Nexus&algorithm=SHA1" + "&digits=6&period=30");
		assertThat(user.recoveryCodes.size()).isEqualTo(10);

		Response noCode = login("mfa-alice", null);
		assertThat(noCode.status()).isEqualTo(401);
		assertThat(noCode.problemType()).isEqualTo("urn:nexus:problem:mfa_required");
		assertThat(noCode.body()).doesNotContain("access_token");

		String next = code(user.secret, 1);
		Response withCode = login("mfa-alice", next);
		assertThat(withCode.status()).isEqualTo(200);
		assertThat(withCode.field("access_token")).startsWith("ey");
		Response replay = login("mfa-alice", next);
		assertThat(replay.status()).isEqualTo(401);
		assertThat(replay.problemType()).isEqualTo("urn:nexus:problem:invalid_mfa_code");

		Response wrong = login("mfa-alice", wrongCode(user.secret));
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(wrong.problemType()).isEqualTo("urn:nexus:problem:invalid_mfa_code");

		String recovery = user.recoveryCodes.get(0).asString();
		assertThat(login("mfa-alice", recovery).status()).isEqualTo(200);
		assertThat(login("mfa-alice", recovery).status()).isEqualTo(401);

		assertThat(audit("?action=mfa.enabled&outcome=success").size()).isGreaterThanOrEqualTo(1);
		assertThat(audit("?action=mfa.recovery_code_used").size()).isGreaterThanOrEqualTo(1);
		assertThat(audit("?action=auth.login&outcome=failure&actor=mfa-alice").size()).isGreaterThanOrEqualTo(3);
		String trail = this.api.get("/api/audit?limit=500").body();
		assertThat(trail).doesNotContain(user.secret).doesNotContain(recovery);
	}

	@Test
	void wrongCodesCountTowardTheLoginThrottle() {
		Enrolled user = enrol("mfa-bob");
		String wrong = wrongCode(user.secret);
		for (int i = 0; i < 5; i++) {
			assertThat(login("mfa-bob", wrong).status()).isEqualTo(401);
		}
		assertThat(login("mfa-bob", code(user.secret, 1)).status()).isEqualTo(429);
	}

	@Test
	void disableWithARecoveryCodeAndAdminReset() {
		Enrolled user = enrol("mfa-carol");
		ApiClient carol = user.client;
		assertThat(carol.post("/api/auth/mfa/disable", "{\"code\":\"000000x\"}").status()).isEqualTo(401);
		String recovery = user.recoveryCodes.get(3).asString();
		assertThat(carol.post("/api/auth/mfa/disable", "{\"code\":\"" + recovery + "\"}").status()).isEqualTo(204);
		assertThat(login("mfa-carol", null).status()).isEqualTo(200);
		assertThat(audit("?action=mfa.disabled&outcome=success").size()).isGreaterThanOrEqualTo(1);

		enrol2(carol, "mfa-carol");
		assertThat(login("mfa-carol", null).status()).isEqualTo(401);
		String id = this.jdbc.sql("SELECT id FROM users WHERE username = 'mfa-carol'").query(String.class).single();
		assertThat(this.api.delete("/api/users/" + id + "/mfa").status()).isEqualTo(204);
		assertThat(login("mfa-carol", null).status()).isEqualTo(200);
	}

	@Test
	void confirmNeedsTheRightCode() {
		this.api.post("/api/users",
				"{\"username\":\"mfa-dave\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}");
		ApiClient dave = new ApiClient(this.port).login("mfa-dave", PASSWORD);
		String secret = dave.post("/api/auth/mfa/setup", "").field("secret");
		Response wrong = dave.post("/api/auth/mfa/confirm", "{\"code\":\"" + wrongCode(secret) + "\"}");
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(login("mfa-dave", null).status()).isEqualTo(200);
		assertThat(this.api.withoutToken().post("/api/auth/mfa/setup", "").status()).isEqualTo(401);
	}

	@Test
	void adminsWithoutMfaLogInWithAPasswordWhileEnforcementIsOff() {
		this.api.post("/api/users", "{\"username\":\"mfa-root\",\"password\":\"" + PASSWORD + "\",\"role\":\"admin\"}");
		Response login = login("mfa-root", null);
		assertThat(login.status()).isEqualTo(200);
		assertThat(login.field("access_token")).startsWith("ey");
		assertThat(login.json().has("enrolment_token")).isFalse();
	}

	private Enrolled enrol(String username) {
		this.api.post("/api/users",
				"{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"operator\"}");
		ApiClient client = new ApiClient(this.port).login(username, PASSWORD);
		return enrol2(client, username);
	}

	private Enrolled enrol2(ApiClient client, String username) {
		Response setup = client.post("/api/auth/mfa/setup", "");
		assertThat(setup.status()).isEqualTo(200);
		String secret = setup.field("secret");
		Response confirm = client.post("/api/auth/mfa/confirm", "{\"code\":\"" + code(secret, 0) + "\"}");
		assertThat(confirm.status()).isEqualTo(200);
		return new Enrolled(client, setup, secret, confirm.json().get("recovery_codes"));
	}

	private Response login(String username, String code) {
		String body = "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\""
				+ ((code != null) ? ",\"code\":\"" + code + "\"" : "") + "}";
		return this.api.withoutToken().post("/api/auth/login", body);
	}

	private JsonNode audit(String query) {
		return this.api.get("/api/audit" + query + "&limit=500").json().get("items");
	}

	/** The code of the step {@code offset} steps from now (±1 is accepted). */
	static String code(String secret, int offset) {
		return Totp.code(Totp.base32Decode(secret), Totp.step(Instant.now().getEpochSecond()) + offset, 6);
	}

	/** A six-digit code that matches no step near now. */
	static String wrongCode(String secret) {
		for (int candidate = 0;; candidate++) {
			String text = String.format("%06d", candidate);
			if (Totp.matchingStep(secret, text, Instant.now().getEpochSecond()) < 0
					&& Totp.matchingStep(secret, text, Instant.now().getEpochSecond() + 30) < 0) {
				return text;
			}
		}
	}

	private record Enrolled(ApiClient client, Response setup, String secret, JsonNode recoveryCodes) {

	}

}
