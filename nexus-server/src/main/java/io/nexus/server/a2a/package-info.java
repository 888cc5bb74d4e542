/**
 * Nexus as an A2A server (docs/interop.md): the Agent Card at
 * {@code /.well-known/agent-card.json} and the JSON-RPC ({@code /api/a2a}) and HTTP+JSON
 * ({@code /api/a2a/v1}) bindings of the A2A protocol 1.0. A message sent there becomes a
 * Nexus task, created as {@code POST /api/tasks} creates one; its state, progress and
 * result are read back in A2A's shapes, streams follow it from the database, whichever
 * node runs it, and push notifications of its changes go out through the webhook outbox.
 * Remote A2A agents ({@code remote}) are fleet members reached as an A2A client.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "cluster", "dispatch", "encryption", "realtime",
		"security", "shared", "tasks", "webhooks" })
package io.nexus.server.a2a;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
