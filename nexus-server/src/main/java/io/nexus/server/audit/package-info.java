/**
 * The audit trail: an append-only record of security-relevant events, each also written
 * as a structured log line (logger {@code nexus.audit}).
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "shared" })
package io.nexus.server.audit;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
