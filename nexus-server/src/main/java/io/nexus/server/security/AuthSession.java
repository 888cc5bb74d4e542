package io.nexus.server.security;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A login session: the family of refresh tokens that one login started.
 *
 * @param id the session id ({@code sid} in its access tokens)
 * @param username whose session it is
 * @param userAgent the client's {@code User-Agent}, shortened
 * @param address the client's address at login
 * @param createdAt when the user logged in
 * @param lastUsedAt when the session was last refreshed
 * @param expiresAt when its current refresh token expires
 * @param revokedAt when it was ended, or {@code null} while it is live
 * @param revokeReason why it was ended
 */
public record AuthSession(String id, String username, @Nullable String userAgent, @Nullable String address,
		Instant createdAt, Instant lastUsedAt, Instant expiresAt, @Nullable Instant revokedAt,
		@Nullable String revokeReason) {

}
