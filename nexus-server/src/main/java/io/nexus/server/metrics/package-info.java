/**
 * Nexus's own Prometheus metrics: task lifecycle counters and latencies from task events,
 * and gauges of the fleet and the queue from snapshots refreshed in the background.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "dispatch", "tasks" })
package io.nexus.server.metrics;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
