package io.nexus.server.encryption;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A key rotation as an operator does it, across restarts on one database: data written
 * under key A, a restart with key B active and A as an old key, re-encryption, and a
 * restart with key B alone.
 */
class KeyRotationIntegrationTests {

	private static final String ADMIN_PASSWORD = "rotation-admin-password";

	private static final String USER_PASSWORD = "rotation-password-1";

	private static final String KEY_A = "key-a:" + FieldCipherTests.KEY_A;

	private static final String KEY_B = "key-b:" + FieldCipherTests.KEY_B;

	private static final String MARKER = "rotation-marker-51c2";

	/**
	 * The settings that point every context of one test at the same database.
	 * @return command-line arguments
	 */
	protected List<String> databaseArgs() {
		return List.of("--spring.datasource.url=jdbc:h2:mem:rotation-" + UUID.randomUUID()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
	}

	@Test
	void rotateFromKeyAToKeyBThenRunWithKeyBAlone() {
		List<String> database = databaseArgs();
		String first;
		String second;
		String secret;
		// the one-time code used in the second run, replayed in the third: computed once,
		// so a 30 s step passing between them cannot turn the replay into a fresh code
		String usedCode;
		try (ConfigurableApplicationContext a = start(database, "--nexus.encryption.key=" + KEY_A,
				"--nexus.webhooks.allowed-networks=127.0.0.1/32")) {
			ApiClient api = admin(a);
			assertThat(
					api.post("/api/webhooks", "{\"url\":\"http://127.0.0.1:9/hook\",\"event_types\":[\"task.failed\"]}")
						.status())
				.isEqualTo(201);
			first = api
				.post("/api/tasks", "{\"title\":\"r1\",\"category\":\"none\",\"payload\":{\"p\":\"" + MARKER + "\"}}")
				.field("id");
			assertThat(
					api.put("/api/tasks/" + first, "{\"status\":\"completed\",\"result\":\"" + MARKER + "\"}").status())
				.isEqualTo(200);
			second = api.post("/api/tasks", "{\"title\":\"r2\",\"category\":\"none\",\"payload\":[1,2,3]}").field("id");
			api.post("/api/users",
					"{\"username\":\"rot-user\",\"password\":\"" + USER_PASSWORD + "\",\"role\":\"viewer\"}");
			ApiClient user = new ApiClient(port(a)).login("rot-user", USER_PASSWORD);
			secret = user.post("/api/auth/mfa/setup", "").field("secret");
			assertThat(user.post("/api/auth/mfa/confirm", "{\"code\":\"" + totp(secret, 0) + "\"}").status())
				.isEqualTo(200);
			assertThat(keyIds(a)).containsOnly("key-a");
		}
		try (ConfigurableApplicationContext b = start(database, "--nexus.encryption.key=" + KEY_B,
				"--nexus.encryption.old-keys=" + KEY_A, "--nexus.encryption.rotation-batch-size=1")) {
			ApiClient api = admin(b);
			Response read = api.get("/api/tasks/" + first);
			assertThat(read.json().get("payload").get("p").asString()).isEqualTo(MARKER);
			assertThat(read.field("result")).isEqualTo(MARKER);
			JsonNode status = api.get("/api/admin/encryption").json();
			assertThat(status.get("active_key_id").asString()).isEqualTo("key-b");
			assertThat(status.get("configured_key_ids").toString()).isEqualTo("[\"key-b\",\"key-a\"]");
			assertThat(status.get("values_pending").asLong()).isEqualTo(5);

			Response rotate = api.post("/api/admin/encryption/rotate", "");
			assertThat(rotate.status()).as(rotate.body()).isEqualTo(200);
			assertThat(rotate.json().get("reencrypted").get("tasks").asLong()).isEqualTo(2);
			assertThat(rotate.json().get("reencrypted").get("user_mfa").asLong()).isEqualTo(1);
			assertThat(rotate.json().get("reencrypted").get("webhook_subscriptions").asLong()).isEqualTo(1);
			assertThat(rotate.json().get("remaining").asLong()).isZero();
			assertThat(keyIds(b)).containsOnly("key-b");
			usedCode = totp(secret, 1);
			assertThat(login(b, usedCode).status()).isEqualTo(200);
			assertThat(api.post("/api/admin/encryption/rotate", "").json().get("reencrypted").get("tasks").asLong())
				.isZero();
		}
		try (ConfigurableApplicationContext onlyB = start(database, "--nexus.encryption.key=" + KEY_B)) {
			ApiClient api = admin(onlyB);
			assertThat(api.get("/api/tasks/" + first).field("result")).isEqualTo(MARKER);
			assertThat(api.get("/api/tasks/" + second).json().get("payload").size()).isEqualTo(3);
			JsonNode status = api.get("/api/admin/encryption").json();
			assertThat(status.get("values_pending").asLong()).isZero();
			assertThat(status.get("unreadable_key_ids").size()).isZero();
			// the code was used already: refused as a replay, which needs the decrypted
			// secret
			Response replay = login(onlyB, usedCode);
			assertThat(replay.status()).isEqualTo(401);
			assertThat(replay.problemType()).isEqualTo("urn:nexus:problem:invalid_mfa_code");
		}
		try (ConfigurableApplicationContext onlyA = start(database, "--nexus.encryption.key=" + KEY_A)) {
			Response missing = admin(onlyA).get("/api/tasks/" + first);
			assertThat(missing.status()).isEqualTo(200);
			assertThat(missing.json().get("result").isNull()).isTrue();
			assertThat(missing.json().get("unreadable").toString()).contains("result: key key-b missing");
			assertThat(missing.body()).doesNotContain(MARKER).doesNotContain("nxenc:");
		}
	}

	@Test
	void anInvalidKeyStopsTheStartWithoutShowingTheKey() {
		String shortKey = "c2hvcnQta2V5LW9mLTE2Yg==";
		assertThatThrownBy(() -> start(databaseArgs(), "--nexus.encryption.key=" + shortKey).close())
			.satisfies((ex) -> {
				List<String> messages = new ArrayList<>();
				for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
					messages.add(String.valueOf(cause.getMessage()));
				}
				assertThat(String.join("\n", messages)).contains("NEXUS_ENCRYPTION_KEY")
					.contains("exactly 32")
					.doesNotContain(shortKey);
			});
	}

	private ConfigurableApplicationContext start(List<String> database, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.shutdown=immediate",
				"--nexus.security.admin-password=" + ADMIN_PASSWORD));
		all.addAll(database);
		all.addAll(List.of(args));
		return new SpringApplicationBuilder(NexusApplication.class).run(all.toArray(String[]::new));
	}

	private static ApiClient admin(ConfigurableApplicationContext context) {
		return new ApiClient(port(context)).login("admin", ADMIN_PASSWORD);
	}

	private static Response login(ConfigurableApplicationContext context, String code) {
		return new ApiClient(port(context)).withoutToken()
			.post("/api/auth/login",
					"{\"username\":\"rot-user\",\"password\":\"" + USER_PASSWORD + "\",\"code\":\"" + code + "\"}");
	}

	private static List<String> keyIds(ConfigurableApplicationContext context) {
		JdbcClient jdbc = context.getBean(JdbcClient.class);
		List<String> ids = new ArrayList<>();
		ids.addAll(jdbc.sql("SELECT payload_key_id FROM tasks").query(String.class).list());
		ids.addAll(jdbc.sql("SELECT result_key_id FROM tasks WHERE result IS NOT NULL").query(String.class).list());
		ids.addAll(jdbc.sql("SELECT secret_key_id FROM user_mfa").query(String.class).list());
		ids.addAll(jdbc.sql("SELECT secret_key_id FROM webhook_subscriptions").query(String.class).list());
		return ids;
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	/**
	 * RFC 6238 with SHA-1, 6 digits and 30-second steps, {@code offset} steps from now.
	 */
	private static String totp(String base32, int offset) {
		try {
			Mac mac = Mac.getInstance("HmacSHA1");
			mac.init(new SecretKeySpec(base32Decode(base32), "HmacSHA1"));
			long step = Instant.now().getEpochSecond() / 30 + offset;
			byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
			int at = hash[hash.length - 1] & 0x0f;
			int binary = ((hash[at] & 0x7f) << 24) | ((hash[at + 1] & 0xff) << 16) | ((hash[at + 2] & 0xff) << 8)
					| (hash[at + 3] & 0xff);
			return String.format("%06d", binary % 1_000_000);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] base32Decode(String text) {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
		ByteBuffer out = ByteBuffer.allocate(text.length() * 5 / 8);
		int buffer = 0;
		int bits = 0;
		for (char c : text.toUpperCase().toCharArray()) {
			buffer = (buffer << 5) | alphabet.indexOf(c);
			bits += 5;
			if (bits >= 8) {
				out.put((byte) (buffer >> (bits - 8)));
				bits -= 8;
			}
		}
		return out.array();
	}

}
