/**
 * Operations: status, the start-up report, and the translation of the seed's environment
 * variables into settings.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "encryption", "security", "shared", "tasks" })
package io.nexus.server.ops;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
