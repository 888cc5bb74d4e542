package io.nexus.server.cluster;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Node membership settings ({@code nexus.cluster.*}).
 *
 * @param heartbeatInterval how often a node refreshes its row and looks for dead nodes
 * @param nodeTimeout heartbeat silence after which a node is declared dead
 * @param address the address this node shows in {@code GET /api/nodes}; by default its
 * host name and HTTP port
 * @param retention how long rows of stopped and dead nodes are kept
 */
@ConfigurationProperties("nexus.cluster")
public record ClusterProperties(@DefaultValue("5s") Duration heartbeatInterval,
		@DefaultValue("20s") Duration nodeTimeout, @Nullable String address, @DefaultValue("1d") Duration retention) {

}
