package io.nexus.server.security;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A long-lived credential for automation, acting for its owner with a role no higher than
 * the owner's.
 *
 * @param id its id
 * @param name what it is for
 * @param role the role it grants (capped by the owner's current role)
 * @param owner the user who made it
 * @param createdAt when
 * @param expiresAt when it stops working, or {@code null} for never
 * @param lastUsedAt when it was last used (to the minute), or {@code null}
 * @param revokedAt when it was revoked, or {@code null}
 */
public record ApiKey(String id, String name, Role role, String owner, Instant createdAt, @Nullable Instant expiresAt,
		@Nullable Instant lastUsedAt, @Nullable Instant revokedAt) {

}
