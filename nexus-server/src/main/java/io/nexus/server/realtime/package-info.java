/**
 * The WebSocket gateway at {@code /ws} and the agent session behind it: decodes agent
 * frames and enforces the protocol's limits; registers agents (with the registration
 * audit), stores their reports, heartbeats and status, relays their messages (across
 * nodes too), and hands this node's agents to the others on shutdown. What it learns
 * about connected agents goes to dispatch, which matches them with work.
 */
@NullMarked
@ApplicationModule(
		allowedDependencies = { "agents", "audit", "cluster", "dispatch", "shared", "tasks", "tracing", "usage" })
package io.nexus.server.realtime;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
