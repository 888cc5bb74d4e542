package io.nexus.server.security;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.RequiresRedis;
import io.nexus.server.support.TcpProxy;
import io.nexus.server.support.TestServices;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away while Nexus runs and comes back: Nexus keeps serving with per-node
 * counters, says so once, and returns to the shared counters on its own.
 */
@Tag("redis")
@ExtendWith({ RequiresRedis.class, OutputCaptureExtension.class })
class RedisReconnectIntegrationTests {

	private static final String PASSWORD = "reconnect-admin-password";

	private static final String WARNING = "Redis does not answer";

	@Test
	void nexusFallsBackWhileRedisIsGoneAndReturnsToItAfterwards(CapturedOutput output) throws Exception {
		URI redis = URI.create(TestServices.redisUrl());
		String prefix = "nexus-test-" + UUID.randomUUID() + ":";
		try (TcpProxy proxy = new TcpProxy(redis.getHost(), (redis.getPort() > 0) ? redis.getPort() : 6379)) {
			proxy.start();
			URI proxied = new URI(redis.getScheme(), redis.getRawUserInfo(), "127.0.0.1", proxy.port(), redis.getPath(),
					null, null);
			try (ConfigurableApplicationContext node = new SpringApplicationBuilder(NexusApplication.class).run(
					"--server.port=0", "--server.shutdown=immediate",
					"--spring.datasource.url=jdbc:h2:mem:nexus-" + UUID.randomUUID()
							+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
					"--nexus.security.admin-password=" + PASSWORD, "--REDIS_URL=" + proxied,
					"--nexus.redis.key-prefix=" + prefix, "--nexus.redis.retry-interval=100ms")) {
				StringRedisTemplate direct = node.getBean(StringRedisTemplate.class);
				ApiClient anonymous = new ApiClient(port(node));
				assertThat(redisStatus(anonymous)).isEqualTo("UP");
				anonymous.post("/api/auth/login", credentials("mallory", "wrong-password-1"));
				assertThat(direct.hasKey(prefix + "login:{u:mallory}:failures")).isTrue();

				proxy.stop();
				await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(redisStatus(anonymous)));
				for (int i = 0; i < 3; i++) {
					assertThat(new ApiClient(port(node)).login("admin", PASSWORD).get("/api/agents").status())
						.isEqualTo(200);
				}
				assertThat(fallbackGauge(node)).isEqualTo("1.0");
				assertThat(occurrences(output.getAll(), WARNING)).isEqualTo(1);

				proxy.start();
				await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(redisStatus(anonymous)));
				assertThat(fallbackGauge(node)).isEqualTo("0.0");
				anonymous.post("/api/auth/login", credentials("eve", "wrong-password-1"));
				assertThat(direct.hasKey(prefix + "login:{u:eve}:failures")).isTrue();
				assertThat(output.getAll()).contains("Redis answers again");
				direct.delete(direct.keys(prefix + "*"));
			}
		}
	}

	private static String redisStatus(ApiClient client) {
		return client.get("/health").json().get("components").get("redis").get("status").asString();
	}

	private static String fallbackGauge(ConfigurableApplicationContext node) {
		String scrape = new ApiClient(port(node)).login("admin", PASSWORD).get("/metrics").body();
		Matcher matcher = Pattern.compile("(?m)^nexus_redis_fallback_active(?:\\{[^}]*})? (\\S+)$").matcher(scrape);
		assertThat(matcher.find()).as(scrape).isTrue();
		return matcher.group(1);
	}

	private static int occurrences(String text, String part) {
		Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static String credentials(String username, String password) {
		return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
	}

}
