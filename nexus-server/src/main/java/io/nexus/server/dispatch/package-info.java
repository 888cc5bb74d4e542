/**
 * Dispatch: which connected agent gets which task, leases and their fencing, and the
 * timers that take work back from agents that are gone, slow or stuck.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "cluster", "shared", "tasks", "tracing" })
package io.nexus.server.dispatch;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
