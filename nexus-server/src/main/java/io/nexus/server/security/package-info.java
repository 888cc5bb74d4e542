/**
 * Who may do what: users and roles, login and access tokens, and the HTTP security rules.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "encryption", "shared", "tasks" })
package io.nexus.server.security;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
