package io.nexus.server.security;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the database cannot be read, a login or an API key is not "wrong": the caller gets
 * 503 {@code service_unavailable} with {@code Retry-After}, and no failed login is
 * counted. The outage is made by renaming the users table in this class's own database (a
 * context of its own, so no other test class shares it) and undone after.
 */
@TestPropertySource(properties = "nexus.test.context=database-outage")
class DatabaseOutageIntegrationTests extends ApiIntegrationTest {

	private static final String LOGIN = "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}";

	@Test
	void loginAndApiKeysAnswer503WhileTheUsersTableCannotBeRead() {
		String key = this.api.post("/api/api-keys", "{\"name\":\"outage\",\"role\":\"viewer\"}").field("key");
		ApiClient anonymous = this.api.withoutToken();
		this.jdbc.sql("ALTER TABLE users RENAME TO users_offline").update();
		try {
			for (int i = 0; i < 6; i++) {
				Response login = anonymous.post("/api/auth/login", LOGIN);
				assertThat(login.status()).as("%s", login).isEqualTo(503);
				assertThat(login.problemType()).isEqualTo("urn:nexus:problem:service_unavailable");
				assertThat(login.header("Retry-After")).isEqualTo("5");
			}
			Response byKey = anonymous.withToken(key).get("/api/tasks");
			assertThat(byKey.status()).as("%s", byKey).isEqualTo(503);
			assertThat(byKey.isProblem()).isTrue();
			assertThat(byKey.problemType()).isEqualTo("urn:nexus:problem:service_unavailable");
			assertThat(byKey.header("Retry-After")).isEqualTo("5");
		}
		finally {
			this.jdbc.sql("ALTER TABLE users_offline RENAME TO users").update();
		}
		assertThat(anonymous.post("/api/auth/login", LOGIN).status()).as("no failed login was counted").isEqualTo(200);
		assertThat(anonymous.withToken(key).get("/api/tasks").status()).isEqualTo(200);
		assertThat(anonymous.post("/api/auth/login", "{\"username\":\"admin\",\"password\":\"wrong-password-99\"}")
			.status()).isEqualTo(401);
	}

}
