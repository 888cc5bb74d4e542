package io.nexus.server.security;

import io.nexus.server.support.ApiClient;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MfaIntegrationTests} with TOTP secrets encrypted at rest: every login flow works
 * the same, and the database holds no usable secret.
 */
@TestPropertySource(properties = "nexus.encryption.key=mfa-key:4mUPE394r5OcsxnuNYGPSXD3dMSQxQeyUkDKYQD3Q9I=")
class EncryptedMfaIntegrationTests extends MfaIntegrationTests {

	@Test
	void theStoredSecretIsCiphertextUnderTheActiveKey() {
		this.api.post("/api/users",
				"{\"username\":\"mfa-erin\",\"password\":\"mfa-user-password-1\",\"role\":\"viewer\"}");
		ApiClient erin = new ApiClient(this.port).login("mfa-erin", "mfa-user-password-1");
		String secret = erin.post("/api/auth/mfa/setup", "").field("secret");
		assertThat(erin.post("/api/auth/mfa/confirm", "{\"code\":\"" + code(secret, 0) + "\"}").status())
			.isEqualTo(200);
		String stored = this.jdbc.sql("SELECT secret FROM user_mfa WHERE username = 'mfa-erin'")
			.query(String.class)
			.single();
		assertThat(stored).startsWith("nxenc:v1:").doesNotContain(secret);
		assertThat(this.jdbc.sql("SELECT secret_key_id FROM user_mfa WHERE username = 'mfa-erin'")
			.query(String.class)
			.single()).isEqualTo("mfa-key");
		String login = "{\"username\":\"mfa-erin\",\"password\":\"mfa-user-password-1\",\"code\":\"" + code(secret, 1)
				+ "\"}";
		assertThat(this.api.withoutToken().post("/api/auth/login", login).status()).isEqualTo(200);
	}

}
