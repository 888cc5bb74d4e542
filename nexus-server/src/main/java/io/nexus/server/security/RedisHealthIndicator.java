package io.nexus.server.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code redis} component of {@code /health}, present only when Redis is configured:
 * {@code UP} while the login and rate-limit counters are shared through it, {@code DOWN}
 * while each node counts on its own because Redis does not answer.
 */
@Component("redis")
@ConditionalOnProperty("spring.data.redis.url")
class RedisHealthIndicator implements HealthIndicator {

	private final SharedCounters counters;

	RedisHealthIndicator(SharedCounters counters) {
		this.counters = counters;
	}

	@Override
	public Health health() {
		return this.counters.ping() ? Health.up().build() : Health.down().build();
	}

}
