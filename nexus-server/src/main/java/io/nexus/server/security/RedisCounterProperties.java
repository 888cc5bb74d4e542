package io.nexus.server.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the counters kept in Redis when {@code REDIS_URL} is set
 * ({@code nexus.redis.*}); docs/configuration.md explains each.
 *
 * @param keyPrefix what every Nexus key in Redis starts with
 * @param retryInterval while Redis does not answer, how often a node tries it again
 * (meanwhile it counts in memory)
 */
@ConfigurationProperties("nexus.redis")
public record RedisCounterProperties(@DefaultValue("nexus:") String keyPrefix,
		@DefaultValue("5s") Duration retryInterval) {

}
