package io.nexus.server.security;

import java.time.Instant;

/**
 * A user who can log in.
 *
 * @param id the user's id
 * @param username the login name
 * @param role what the user may do
 * @param enabled whether the user may log in
 * @param createdAt when the user was created
 */
public record UserAccount(String id, String username, Role role, boolean enabled, Instant createdAt) {

}
