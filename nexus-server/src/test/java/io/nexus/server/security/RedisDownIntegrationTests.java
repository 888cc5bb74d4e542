package io.nexus.server.security;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis is configured but nobody answers: logins and the API still work, with the limits
 * counted in memory on this node; {@code /health} and the metrics say so, and the log
 * warns once.
 */
@TestPropertySource(properties = {
		// nothing listens on port 1: every connection is refused
		"REDIS_URL=redis://:secret-redis-password@127.0.0.1:1", "nexus.redis.retry-interval=50ms",
		"nexus.security.login.max-failures-per-user=3", "nexus.security.rate-limit.requests-per-second=0.001",
		"nexus.security.rate-limit.burst=40" })
@ExtendWith(OutputCaptureExtension.class)
class RedisDownIntegrationTests extends ApiIntegrationTest {

	private static final String WARNING = "Redis does not answer";

	@Test
	void loginsAndTheApiWorkWithLimitsInMemoryAndTheLogWarnsOnce(CapturedOutput output) {
		assertThat(this.api.get("/api/agents").status()).isEqualTo(200);
		ApiClient anonymous = this.api.withoutToken();
		for (int i = 0; i < 3; i++) {
			assertThat(anonymous.post("/api/auth/login", credentials("mallory", "wrong-password-" + i)).status())
				.isEqualTo(401);
		}
		Response locked = anonymous.post("/api/auth/login", credentials("mallory", "wrong-password-9"));
		assertThat(locked.status()).as(locked.body()).isEqualTo(429);
		assertThat(locked.problemType()).isEqualTo("urn:nexus:problem:login_locked");
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 45; i++) {
			statuses.add(this.api.get("/api/agents").status());
		}
		assertThat(statuses).contains(200, 429);
		assertThat(statuses.indexOf(429)).isPositive();
		assertThat(statuses.subList(statuses.indexOf(429), statuses.size())).containsOnly(429);
		assertThat(occurrences(output.getAll(), WARNING)).isEqualTo(1);
		assertThat(output.getAll()).doesNotContain("secret-redis-password");
	}

	@Test
	void healthAndMetricsShowTheFallback() {
		// the admin logged in through the fallback; this request tries Redis again
		this.api.withoutToken().post("/api/auth/login", credentials("nobody", "wrong-password-1"));
		Response health = this.api.withoutToken().get("/health");
		assertThat(health.status()).isEqualTo(503);
		assertThat(health.json().get("components").get("redis").get("status").asString()).isEqualTo("DOWN");
		// the probes of an orchestrator do not take the node out: it still serves
		assertThat(this.api.withoutToken().get("/health/readiness").status()).isEqualTo(200);
		assertThat(this.api.withoutToken().get("/health/liveness").status()).isEqualTo(200);
		Response metrics = new ApiClient(this.port).login("admin", ADMIN_PASSWORD).get("/metrics");
		assertThat(metrics.body()).containsPattern("(?m)^nexus_redis_fallback_active(\\{[^}]*})? 1\\.0$");
	}

	private static int occurrences(String text, String part) {
		Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	private static String credentials(String username, String password) {
		return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
	}

}
