package io.nexus.server.security;

import io.nexus.server.support.ApiClient.Response;
import io.nexus.server.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code REDIS_URL} Nexus does not touch Redis: no connection factory, no
 * {@code redis} health component, no fallback metric; the limits are counted in memory.
 */
class WithoutRedisIntegrationTests extends ApiIntegrationTest {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private SharedCounters counters;

	@Test
	void nothingConnectsToRedis() {
		assertThat(this.context.getBeanNamesForType(RedisConnectionFactory.class)).isEmpty();
		assertThat(this.counters.configured()).isFalse();
		Response health = this.api.withoutToken().get("/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().get("components").has("db")).isTrue();
		assertThat(health.json().get("components").has("redis")).isFalse();
		assertThat(this.api.get("/metrics").body()).doesNotContain("nexus_redis");
	}

}
