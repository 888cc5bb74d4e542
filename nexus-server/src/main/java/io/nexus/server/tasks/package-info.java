/**
 * Tasks: the model, the lifecycle state machine, dependencies and the history of every
 * change.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "encryption", "shared", "tracing" })
package io.nexus.server.tasks;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
