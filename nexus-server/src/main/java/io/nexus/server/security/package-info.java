/**
 * Who may do what: users and roles, login and access tokens, and the HTTP security rules.
 */
@NullMarked
package io.nexus.server.security;

import org.jspecify.annotations.NullMarked;
