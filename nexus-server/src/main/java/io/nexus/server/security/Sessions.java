package io.nexus.server.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.AccessTokens.IssuedToken;
import io.nexus.server.security.persistence.SessionRepository;
import io.nexus.server.security.persistence.UserRepository;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.NotFoundException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Login sessions: each login opens one, with an access token that names it and a refresh
 * token that rotates on every use. Presenting a refresh token a second time means it was
 * stolen (or replayed), so the whole session ends.
 */
@Service
public class Sessions {

	private final SessionRepository sessions;

	private final UserRepository users;

	private final AccessTokens accessTokens;

	private final RevokedSessions revoked;

	private final DashboardSessions dashboardSessions;

	private final AuditLog audit;

	private final SecurityProperties properties;

	private final MfaEnforcement enforcement;

	private final Clock clock;

	Sessions(SessionRepository sessions, UserRepository users, AccessTokens accessTokens, RevokedSessions revoked,
			DashboardSessions dashboardSessions, AuditLog audit, SecurityProperties properties,
			MfaEnforcement enforcement, Clock clock) {
		this.sessions = sessions;
		this.users = users;
		this.accessTokens = accessTokens;
		this.revoked = revoked;
		this.dashboardSessions = dashboardSessions;
		this.audit = audit;
		this.properties = properties;
		this.enforcement = enforcement;
		this.clock = clock;
	}

	/**
	 * Opens a session for a user who has just proved who they are.
	 * @param username the user
	 * @param role the user's role
	 * @param client who is calling
	 * @return the tokens
	 */
	@Transactional
	public IssuedSession open(String username, Role role, Client client) {
		Instant now = this.clock.instant();
		AuthSession session = new AuthSession(Ids.next("sess"), username, client.userAgent(), client.address(), now,
				now, now.plus(this.properties.refreshTokenTtl()), null, null);
		this.sessions.insert(session);
		String refresh = SecretTokens.newToken(SecretTokens.REFRESH_PREFIX);
		this.sessions.insertToken(SecretTokens.hash(refresh), session.id(), now);
		return new IssuedSession(this.accessTokens.issue(username, role, session.id()), refresh, session.id());
	}

	/**
	 * Trades a refresh token for new tokens. The old refresh token stops working; if it
	 * had stopped working already, the whole session is ended.
	 * @param refreshToken the refresh token
	 * @return the new tokens
	 * @throws InvalidRefreshTokenException if the token is unknown, used, expired, or its
	 * session or user is gone
	 * @throws MfaEnrolmentRequiredException if the user is an admin without MFA while it
	 * is enforced; the session is ended, and only a password login can start enrolment
	 */
	@Transactional(noRollbackFor = { InvalidRefreshTokenException.class, MfaEnrolmentRequiredException.class })
	public IssuedSession refresh(String refreshToken) {
		Instant now = this.clock.instant();
		String hash = SecretTokens.hash(refreshToken);
		String sessionId = this.sessions.sessionOfToken(hash).orElseThrow(Sessions::invalidRefresh);
		AuthSession session = this.sessions.find(sessionId).orElseThrow(Sessions::invalidRefresh);
		if (session.revokedAt() != null || !session.expiresAt().isAfter(now)) {
			throw invalidRefresh();
		}
		if (!this.sessions.useToken(hash, now)) {
			revoke(session.id(), "refresh_token_reuse");
			this.audit.recordAs(session.username(), "auth.refresh_reuse", session.id(), AuditLog.DENIED,
					"a used refresh token was presented again; the session was revoked");
			throw invalidRefresh();
		}
		UserRepository.Credentials user = this.users.findCredentials(session.username()).orElse(null);
		if (user == null || !user.enabled()) {
			revoke(session.id(), "user_disabled");
			throw invalidRefresh();
		}
		if (this.enforcement.mustEnrol(user.username(), user.role())) {
			// no enrolment token here: a stolen refresh token must not let its holder
			// enrol
			// an authenticator of their own
			revoke(session.id(), "mfa_enrolment_required");
			this.audit.recordAs(user.username(), "auth.refresh", session.id(), AuditLog.DENIED,
					"multi-factor enrolment required: log in with the password to enrol");
			throw new MfaEnrolmentRequiredException(null);
		}
		String next = SecretTokens.newToken(SecretTokens.REFRESH_PREFIX);
		this.sessions.insertToken(SecretTokens.hash(next), session.id(), now);
		this.sessions.touch(session.id(), now, now.plus(this.properties.refreshTokenTtl()));
		return new IssuedSession(this.accessTokens.issue(user.username(), user.role(), session.id()), next,
				session.id());
	}

	/**
	 * Ends one session.
	 * @param sessionId the session
	 * @param reason why
	 * @return {@code true} if it was live
	 */
	@Transactional
	public boolean revoke(String sessionId, String reason) {
		this.revoked.markRevoked(sessionId);
		return this.sessions.revoke(sessionId, this.clock.instant(), reason);
	}

	/**
	 * Ends one session of a user.
	 * @param username the user
	 * @param sessionId the session
	 * @throws NotFoundException if the user has no such live session
	 */
	@Transactional
	public void revokeOwn(String username, String sessionId) {
		Optional<AuthSession> session = this.sessions.find(sessionId)
			.filter((candidate) -> candidate.username().equals(username) && candidate.revokedAt() == null);
		if (session.isEmpty()) {
			throw new NotFoundException("session_not_found", "No live session with id '" + sessionId + "'",
					java.util.Map.of("session_id", sessionId));
		}
		revoke(sessionId, "logout");
	}

	/**
	 * Ends every session of a user: their API sessions (tokens) and their dashboard
	 * (browser) sessions.
	 * @param username the user
	 * @param reason why
	 * @return how many were live
	 */
	@Transactional
	public int revokeAll(String username, String reason) {
		List<String> ids = this.sessions.revokeAll(username, this.clock.instant(), reason);
		ids.forEach(this.revoked::markRevoked);
		return ids.size() + this.dashboardSessions.endAll(username);
	}

	@Transactional(readOnly = true)
	public List<AuthSession> live(String username) {
		return this.sessions.findLive(username, this.clock.instant());
	}

	private static InvalidRefreshTokenException invalidRefresh() {
		return new InvalidRefreshTokenException();
	}

	/**
	 * Who is calling.
	 *
	 * @param address the client's address
	 * @param userAgent its {@code User-Agent}, shortened to 200 characters
	 */
	public record Client(@Nullable String address, @Nullable String userAgent) {

		public Client {
			if (userAgent != null && userAgent.length() > 200) {
				userAgent = userAgent.substring(0, 200);
			}
		}

	}

	/**
	 * The tokens of a session.
	 *
	 * @param access the access token
	 * @param refreshToken the refresh token, shown once
	 * @param sessionId the session
	 */
	public record IssuedSession(IssuedToken access, String refreshToken, String sessionId) {

		@Override
		public String toString() {
			return "IssuedSession[<redacted>, sessionId=" + this.sessionId + "]";
		}

	}

}
