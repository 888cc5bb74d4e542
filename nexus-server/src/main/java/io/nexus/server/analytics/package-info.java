/**
 * Analytics: the read models over tasks, their history and agents (throughput, latency,
 * success rates, the fleet's activity, the queue), behind one façade for the dashboard
 * and the {@code /api/analytics} endpoints.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "shared", "tasks" })
package io.nexus.server.analytics;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
