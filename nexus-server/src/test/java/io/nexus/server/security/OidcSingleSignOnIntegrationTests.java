package io.nexus.server.security;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single sign-on against an identity provider played by the test: an RSA key whose JWK
 * set is served over loopback HTTP, and tokens signed with Nimbus.
 */
class OidcSingleSignOnIntegrationTests extends ApiIntegrationTest {

	private static final String ISSUER = "https://idp.example.test/realms/nexus";

	private static final KeyPair KEY = rsa();

	private static final KeyPair OTHER_KEY = rsa();

	private static final HttpServer IDP = jwks();

	@DynamicPropertySource
	static void oidc(DynamicPropertyRegistry registry) {
		registry.add("nexus.security.oidc.issuer-uri", () -> ISSUER);
		registry.add("nexus.security.oidc.jwk-set-uri",
				() -> "http://localhost:" + IDP.getAddress().getPort() + "/jwks");
		registry.add("nexus.security.oidc.audience", () -> "nexus");
		registry.add("nexus.security.oidc.role-mapping", () -> "nexus-admin=admin,nexus-viewer=viewer");
	}

	@AfterAll
	static void stopIdp() {
		IDP.stop(0);
	}

	@Test
	void anAdminOfTheIdentityProviderIsAnAdmin() {
		assertThat(as(token(KEY, ISSUER, "alice", List.of("nexus-admin"), 300)).get("/api/users").status())
			.isEqualTo(200);
	}

	@Test
	void aViewerMayReadButNotWrite() {
		ApiClient viewer = as(token(KEY, ISSUER, "bob", List.of("staff", "nexus-viewer"), 300));
		assertThat(viewer.get("/api/tasks").status()).isEqualTo(200);
		assertThat(viewer.post("/api/tasks", "{\"type\":\"echo\",\"payload\":{}}").status()).isEqualTo(403);
		assertThat(viewer.get("/api/users").status()).isEqualTo(403);
	}

	@Test
	void unmappedRolesGrantNothing() {
		ApiClient stranger = as(token(KEY, ISSUER, "carol", List.of("admin", "staff"), 300));
		assertThat(stranger.get("/api/tasks").status()).isEqualTo(403);
	}

	@Test
	void nexusOwnTokensStillWork() {
		assertThat(this.api.get("/api/users").status()).isEqualTo(200);
	}

	@Test
	void aWrongIssuerIsRejected() {
		assertThat(as(token(KEY, "https://evil.example.test", "alice", List.of("nexus-admin"), 300)).get("/api/tasks")
			.status()).isEqualTo(401);
	}

	@Test
	void anExpiredTokenIsRejected() {
		assertThat(as(token(KEY, ISSUER, "alice", List.of("nexus-admin"), -300)).get("/api/tasks").status())
			.isEqualTo(401);
	}

	@Test
	void aTamperedTokenIsRejected() {
		String viewer = token(KEY, ISSUER, "bob", List.of("nexus-viewer"), 300);
		String admin = token(KEY, ISSUER, "bob", List.of("nexus-admin"), 300);
		String[] v = viewer.split("\\.");
		String[] a = admin.split("\\.");
		assertThat(as(v[0] + "." + a[1] + "." + v[2]).get("/api/tasks").status()).isEqualTo(401);
		char last = v[2].charAt(v[2].length() - 2);
		String flipped = v[2].substring(0, v[2].length() - 2) + (last == 'A' ? 'B' : 'A')
				+ v[2].charAt(v[2].length() - 1);
		assertThat(as(v[0] + "." + v[1] + "." + flipped).get("/api/tasks").status()).isEqualTo(401);
	}

	@Test
	void aTokenSignedByAnotherKeyIsRejected() {
		assertThat(as(token(OTHER_KEY, ISSUER, "alice", List.of("nexus-admin"), 300)).get("/api/tasks").status())
			.isEqualTo(401);
	}

	@Test
	void anUnsignedTokenIsRejected() {
		String header = base64("{\"alg\":\"none\",\"kid\":\"idp\"}");
		String claims = base64(
				"{\"iss\":\"" + ISSUER + "\",\"aud\":\"nexus\",\"sub\":\"x\",\"roles\":[\"nexus-admin\"]," + "\"exp\":"
						+ Instant.now().plusSeconds(300).getEpochSecond() + "}");
		assertThat(as(header + "." + claims + ".").get("/api/tasks").status()).isEqualTo(401);
	}

	@Test
	void aTokenForAnotherAudienceIsRejected() {
		String token = sign(KEY, claims(ISSUER, "alice", List.of("nexus-admin"), 300).audience("other-app").build());
		assertThat(as(token).get("/api/tasks").status()).isEqualTo(401);
	}

	@Test
	void aSingleSignOnCallerNeverActsAsTheLocalUserOfTheSameName() {
		ApiClient impostor = as(token(KEY, ISSUER, "admin", List.of("nexus-viewer"), 300));
		assertThat(impostor.post("/api/api-keys", "{\"name\":\"k\",\"role\":\"admin\"}").status()).isEqualTo(403);
		assertThat(impostor.get("/api/auth/sessions").status()).isEqualTo(403);
		assertThat(impostor.post("/api/auth/logout-all", "").status()).isNotIn(200, 204);
		assertThat(this.api.get("/api/users").status()).isEqualTo(200);
	}

	private ApiClient as(String token) {
		return this.api.withToken(token);
	}

	private static String token(KeyPair key, String issuer, String user, List<String> roles, long ttlSeconds) {
		return sign(key, claims(issuer, user, roles, ttlSeconds).build());
	}

	private static JWTClaimsSet.Builder claims(String issuer, String user, List<String> roles, long ttlSeconds) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(issuer)
			.subject("id-" + user)
			.audience("nexus")
			.claim("preferred_username", user)
			.claim("roles", roles)
			.claim("sid", "idp-session")
			.issueTime(Date.from(now.minus(Duration.ofMinutes(10))))
			.expirationTime(Date.from(now.plusSeconds(ttlSeconds)));
	}

	private static String sign(KeyPair key, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp").build(), claims);
			jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String base64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	private static KeyPair rsa() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpServer jwks() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
			byte[] body = new JWKSet(new RSAKey.Builder((RSAPublicKey) KEY.getPublic()).keyID("idp").build()).toString()
				.getBytes(StandardCharsets.UTF_8);
			server.createContext("/jwks", (exchange) -> {
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
