package io.nexus.server.agents;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the agent registry ({@code nexus.agents.*}).
 *
 * @param sampleInterval the shortest time between two stored resource samples of one
 * agent; heartbeats in between update only the agent's latest values
 * @param sampleRetention how long resource samples are kept
 * @param sampleFlushInterval how often the samples taken since the last write are
 * written, all in one batch
 * @param samplePruneInterval how often samples older than the retention are deleted
 */
@ConfigurationProperties("nexus.agents")
public record AgentProperties(@DefaultValue("10s") Duration sampleInterval,
		@DefaultValue("7d") Duration sampleRetention, @DefaultValue("2s") Duration sampleFlushInterval,
		@DefaultValue("10m") Duration samplePruneInterval) {

	public AgentProperties {
		if (sampleInterval.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("nexus.agents.sample-interval must be at least 1s");
		}
		if (sampleRetention.compareTo(Duration.ofHours(1)) < 0) {
			throw new IllegalArgumentException("nexus.agents.sample-retention must be at least 1h");
		}
	}

}
