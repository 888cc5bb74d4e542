/**
 * The agent registry: who the agents are, what they can do, their credentials and their
 * reported condition.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "audit", "shared" })
package io.nexus.server.agents;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
