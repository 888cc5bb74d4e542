/**
 * The WebSocket gateway at {@code /ws}: decodes agent frames, enforces the protocol's
 * limits, and hands each frame to dispatch.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "dispatch", "shared", "tasks" })
package io.nexus.server.realtime;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
