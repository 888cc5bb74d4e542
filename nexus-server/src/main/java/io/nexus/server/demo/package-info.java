/**
 * Demo mode: simulated agents over real WebSockets and a steady trickle of tasks, so that
 * a newcomer sees work flowing at once.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "tasks" })
package io.nexus.server.demo;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
