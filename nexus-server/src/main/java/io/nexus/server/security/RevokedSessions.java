package io.nexus.server.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.nexus.server.security.persistence.SessionRepository;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Answers "is this session revoked?" for every request that carries an access token,
 * cheaply: a revocation is remembered for good, a live answer is trusted for
 * {@code session-check-interval} before the database is asked again (so that a revocation
 * on another node takes effect within that time).
 */
@Component
class RevokedSessions {

	private static final int MAX_ENTRIES = 100_000;

	private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

	private final Map<String, Instant> liveUntil = new ConcurrentHashMap<>();

	private final SessionRepository sessions;

	private final TransactionTemplate transaction;

	private final SecurityProperties properties;

	private final Clock clock;

	RevokedSessions(SessionRepository sessions, TransactionTemplate transaction, SecurityProperties properties,
			Clock clock) {
		this.sessions = sessions;
		this.transaction = transaction;
		this.properties = properties;
		this.clock = clock;
	}

	boolean isRevoked(String sessionId) {
		if (this.revoked.containsKey(sessionId)) {
			return true;
		}
		Instant now = this.clock.instant();
		Instant until = this.liveUntil.get(sessionId);
		if (until != null && until.isAfter(now)) {
			return false;
		}
		boolean gone = Boolean.TRUE.equals(this.transaction.execute((status) -> this.sessions.isRevoked(sessionId)));
		if (gone) {
			markRevoked(sessionId);
		}
		else {
			if (this.liveUntil.size() > MAX_ENTRIES) {
				this.liveUntil.clear();
			}
			this.liveUntil.put(sessionId, now.plus(this.properties.sessionCheckInterval()));
		}
		return gone;
	}

	void markRevoked(String sessionId) {
		if (this.revoked.size() > MAX_ENTRIES) {
			// Access tokens live minutes; entries older than that no longer matter.
			Instant horizon = this.clock.instant().minus(this.properties.accessTokenTtl());
			this.revoked.values().removeIf((at) -> at.isBefore(horizon));
		}
		this.liveUntil.remove(sessionId);
		this.revoked.put(sessionId, this.clock.instant());
	}

}
