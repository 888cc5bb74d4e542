/**
 * Cluster: node membership. Every node registers in the {@code nodes} table, heartbeats,
 * and is declared dead after the node timeout by any live node, which releases its agents
 * (their reconnect grace starts from the node's last heartbeat).
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "ops", "shared" })
package io.nexus.server.cluster;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
