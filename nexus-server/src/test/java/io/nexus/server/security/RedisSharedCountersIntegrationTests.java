package io.nexus.server.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.nexus.server.NexusApplication;
import io.nexus.server.support.ApiClient;
import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.RequiresRedis;
import io.nexus.server.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Nexus nodes (each on its own embedded H2) share one real Redis: a login locked out
 * on one node is locked on the other, and the rate limit counts the requests of both.
 */
@Tag("redis")
@ExtendWith(RequiresRedis.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSharedCountersIntegrationTests {

	private static final String PASSWORD = "redis-admin-password";

	private static final int BURST = 12;

	private final String prefix = "nexus-test-" + UUID.randomUUID() + ":";

	private ConfigurableApplicationContext nodeA;

	private ConfigurableApplicationContext nodeB;

	private StringRedisTemplate redis;

	@BeforeAll
	void startTwoNodes() {
		this.nodeA = start();
		this.nodeB = start();
		this.redis = this.nodeA.getBean(StringRedisTemplate.class);
	}

	@AfterAll
	void stopNodes() {
		if (this.redis != null) {
			forgetCounters();
		}
		if (this.nodeA != null) {
			this.nodeA.close();
		}
		if (this.nodeB != null) {
			this.nodeB.close();
		}
	}

	@BeforeEach
	void forgetCounters() {
		Set<String> keys = this.redis.keys(this.prefix + "*");
		if (keys != null && !keys.isEmpty()) {
			this.redis.delete(keys);
		}
	}

	@Test
	void failedLoginsSpreadOverTwoNodesLockTheUserOnBoth() {
		ApiClient a = new ApiClient(port(this.nodeA));
		ApiClient b = new ApiClient(port(this.nodeB));
		assertThat(a.post("/api/auth/login", credentials("admin", "wrong-password-1")).status()).isEqualTo(401);
		assertThat(b.post("/api/auth/login", credentials("admin", "wrong-password-2")).status()).isEqualTo(401);
		// the third failure reaches the limit of 3 only when both nodes count together
		assertThat(a.post("/api/auth/login", credentials("admin", "wrong-password-3")).status()).isEqualTo(401);
		for (ApiClient node : List.of(b, a)) {
			Response locked = node.post("/api/auth/login", credentials("admin", PASSWORD));
			assertThat(locked.status()).as(locked.body()).isEqualTo(429);
			assertThat(locked.problemType()).isEqualTo("urn:nexus:problem:login_locked");
			assertThat(Long.parseLong(locked.header("Retry-After"))).isPositive();
		}
		String lock = this.prefix + "login:{u:admin}:lock";
		assertThat(this.redis.hasKey(lock)).isTrue();
		assertThat(this.redis.getExpire(lock, TimeUnit.SECONDS)).isBetween(1L, 15L * 60);
		assertThat(this.redis.getExpire(this.prefix + "login:{a:127.0.0.1}:failures", TimeUnit.SECONDS)).isBetween(1L,
				15L * 60);
	}

	@Test
	void aSuccessfulLoginForgetsTheUsersFailuresOnAllNodes() {
		ApiClient a = new ApiClient(port(this.nodeA));
		ApiClient b = new ApiClient(port(this.nodeB));
		assertThat(a.post("/api/auth/login", credentials("admin", "wrong-password-1")).status()).isEqualTo(401);
		assertThat(a.post("/api/auth/login", credentials("admin", "wrong-password-2")).status()).isEqualTo(401);
		assertThat(b.post("/api/auth/login", credentials("admin", PASSWORD)).status()).isEqualTo(200);
		assertThat(this.redis.hasKey(this.prefix + "login:{u:admin}:failures")).isFalse();
		assertThat(a.post("/api/auth/login", credentials("admin", "wrong-password-3")).status()).isEqualTo(401);
		assertThat(b.post("/api/auth/login", credentials("admin", PASSWORD)).status()).isEqualTo(200);
	}

	@Test
	void theRateLimitCountsTheRequestsOfBothNodes() {
		ApiClient a = new ApiClient(port(this.nodeA)).login("admin", PASSWORD);
		ApiClient b = new ApiClient(port(this.nodeB)).login("admin", PASSWORD);
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < BURST + 4; i++) {
			statuses.add(((i % 2 == 0) ? a : b).get("/api/agents").status());
		}
		// one bucket for the principal "admin", whichever node answers: each node alone
		// would have let all of them through
		assertThat(statuses.subList(0, BURST)).containsOnly(200);
		assertThat(statuses.subList(BURST, statuses.size())).containsOnly(429);
		Response limited = b.get("/api/agents");
		assertThat(limited.problemType()).isEqualTo("urn:nexus:problem:rate_limited");
		assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
		String bucket = this.prefix + "rate:principal:admin";
		assertThat(this.redis.hasKey(bucket)).isTrue();
		assertThat(this.redis.getExpire(bucket, TimeUnit.MILLISECONDS)).isPositive();
	}

	@Test
	void everyKeyOfNexusInRedisExpires() {
		new ApiClient(port(this.nodeA)).post("/api/auth/login", credentials("nobody", "wrong-password-1"));
		new ApiClient(port(this.nodeB)).login("admin", PASSWORD).get("/api/agents");
		Set<String> keys = this.redis.keys(this.prefix + "*");
		assertThat(keys).isNotEmpty()
			.anyMatch((key) -> key.contains("rate:"))
			.anyMatch((key) -> key.contains("login:"));
		for (String key : keys) {
			assertThat(this.redis.getExpire(key, TimeUnit.MILLISECONDS)).as(key).isPositive();
		}
	}

	@Test
	void healthReportsRedisUp() {
		Response health = new ApiClient(port(this.nodeB)).get("/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().get("components").get("redis").get("status").asString()).isEqualTo("UP");
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(NexusApplication.class).run("--server.port=0",
				"--server.shutdown=immediate",
				"--spring.datasource.url=jdbc:h2:mem:nexus-" + UUID.randomUUID()
						+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
				"--nexus.security.admin-password=" + PASSWORD, "--REDIS_URL=" + TestServices.redisUrl(),
				"--nexus.redis.key-prefix=" + this.prefix, "--nexus.security.login.max-failures-per-user=3",
				"--nexus.security.rate-limit.requests-per-second=0.001", "--nexus.security.rate-limit.burst=" + BURST);
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static String credentials(String username, String password) {
		return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
	}

}
