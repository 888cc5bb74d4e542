/**
 * Tracing: the OTLP settings, and the spans Nexus records for a task's journey (create,
 * assign, the agent's work, complete) in the W3C trace the task was created in.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {})
package io.nexus.server.tracing;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
