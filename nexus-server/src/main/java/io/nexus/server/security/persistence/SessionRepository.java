package io.nexus.server.security.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.server.security.AuthSession;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores login sessions and their refresh tokens (as hashes).
 */
// named apart from Spring Session's "sessionRepository" (the dashboard's sessions)
@Repository("authSessionRepository")
public class SessionRepository {

	private static final String COLUMNS = "id, username, user_agent, address, created_at, last_used_at, expires_at, "
			+ "revoked_at, revoke_reason";

	private final JdbcClient jdbc;

	public SessionRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(AuthSession session) {
		this.jdbc
			.sql("INSERT INTO auth_sessions (" + COLUMNS + ") VALUES (:id, :username, :userAgent, :address, "
					+ ":createdAt, :lastUsedAt, :expiresAt, NULL, NULL)")
			.param("id", session.id())
			.param("username", session.username())
			.param("userAgent", session.userAgent())
			.param("address", session.address())
			.param("createdAt", SqlTimes.toDb(session.createdAt()))
			.param("lastUsedAt", SqlTimes.toDb(session.lastUsedAt()))
			.param("expiresAt", SqlTimes.toDb(session.expiresAt()))
			.update();
	}

	public void insertToken(String tokenHash, String sessionId, Instant now) {
		this.jdbc.sql("INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (:hash, :sid, :now)")
			.param("hash", tokenHash)
			.param("sid", sessionId)
			.param("now", SqlTimes.toDb(now))
			.update();
	}

	/**
	 * Marks a refresh token used, if it was not used before.
	 * @param tokenHash the token's hash
	 * @param now the time
	 * @return {@code true} if this call used it; {@code false} if it was used already
	 */
	public boolean useToken(String tokenHash, Instant now) {
		return this.jdbc.sql("UPDATE refresh_tokens SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
			.param("now", SqlTimes.toDb(now))
			.param("hash", tokenHash)
			.update() == 1;
	}

	public Optional<String> sessionOfToken(String tokenHash) {
		return this.jdbc.sql("SELECT session_id FROM refresh_tokens WHERE token_hash = :hash")
			.param("hash", tokenHash)
			.query(String.class)
			.optional();
	}

	public Optional<AuthSession> find(String id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM auth_sessions WHERE id = :id")
			.param("id", id)
			.query((rs, rowNum) -> map(rs))
			.optional();
	}

	public List<AuthSession> findLive(String username, Instant now) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM auth_sessions WHERE username = :username AND revoked_at IS NULL "
					+ "AND expires_at > :now ORDER BY created_at DESC")
			.param("username", username)
			.param("now", SqlTimes.toDb(now))
			.query((rs, rowNum) -> map(rs))
			.list();
	}

	public void touch(String id, Instant now, Instant expiresAt) {
		this.jdbc.sql("UPDATE auth_sessions SET last_used_at = :now, expires_at = :expiresAt WHERE id = :id")
			.param("now", SqlTimes.toDb(now))
			.param("expiresAt", SqlTimes.toDb(expiresAt))
			.param("id", id)
			.update();
	}

	public boolean revoke(String id, Instant now, String reason) {
		return this.jdbc
			.sql("UPDATE auth_sessions SET revoked_at = :now, revoke_reason = :reason WHERE id = :id "
					+ "AND revoked_at IS NULL")
			.param("now", SqlTimes.toDb(now))
			.param("reason", reason)
			.param("id", id)
			.update() == 1;
	}

	/**
	 * Ends every live session of a user.
	 * @param username the user
	 * @param now the time
	 * @param reason why
	 * @return the ids of the sessions ended
	 */
	public List<String> revokeAll(String username, Instant now, String reason) {
		List<String> ids = this.jdbc
			.sql("SELECT id FROM auth_sessions WHERE username = :username AND revoked_at IS NULL")
			.param("username", username)
			.query(String.class)
			.list();
		ids.forEach((id) -> revoke(id, now, reason));
		return ids;
	}

	/**
	 * Whether a session is unknown or ended.
	 * @param id the session
	 * @return {@code true} unless the session exists and is live
	 */
	public boolean isRevoked(String id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM auth_sessions WHERE id = :id AND revoked_at IS NULL")
			.param("id", id)
			.query(Long.class)
			.single() == 0;
	}

	private static AuthSession map(java.sql.ResultSet rs) throws java.sql.SQLException {
		@Nullable Instant revokedAt = SqlTimes.fromDb(rs, "revoked_at");
		return new AuthSession(rs.getString("id"), rs.getString("username"), rs.getString("user_agent"),
				rs.getString("address"), SqlTimes.requiredFromDb(rs, "created_at"),
				SqlTimes.requiredFromDb(rs, "last_used_at"), SqlTimes.requiredFromDb(rs, "expires_at"), revokedAt,
				rs.getString("revoke_reason"));
	}

}
