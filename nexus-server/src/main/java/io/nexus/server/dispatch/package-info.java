/**
 * Dispatch: which connected agent gets which task (the ready queue, eligibility and
 * scoring, claims), the agents connected to this node as dispatch sees them, wake-ups
 * between nodes, and the timers that take work back from agents that are gone, slow or
 * stuck. The agent session itself (registration, reports, heartbeats, messages) is the
 * gateway's ({@code realtime}).
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "cluster", "shared", "tasks", "tracing" })
package io.nexus.server.dispatch;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
