package io.nexus.server.realtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.nexus.server.audit.AuditLog;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Audits agent registrations over the WebSocket: every self-enrolment with an enrollment
 * key ({@code agent.enrolled}), and refused registrations ({@code agent.register},
 * {@code denied}) at most once per remote address per minute, so that a flood of bad
 * tokens cannot flood the trail: the next event of an address counts the refusals that
 * were not recorded in between.
 */
@Component
class RegistrationAudit {

	static final Duration WINDOW = Duration.ofMinutes(1);

	/**
	 * Addresses remembered at most; beyond it, all further addresses share one window.
	 */
	static final int MAX_ADDRESSES = 10_000;

	private static final String OTHERS = "(other addresses)";

	private final AuditLog audit;

	private final Clock clock;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	RegistrationAudit(AuditLog audit, Clock clock) {
		this.audit = audit;
		this.clock = clock;
	}

	void enrolled(String agentId, String keyId, @Nullable String address) {
		this.audit.recordFrom("agent:" + agentId, address, "agent.enrolled", agentId, AuditLog.SUCCESS,
				"enrollment key " + keyId);
	}

	void trusted(String agentId, String channel) {
		this.audit.recordAs("system", "agent.connected_trusted", agentId, AuditLog.SUCCESS,
				"opened by Nexus for an agent an administrator registered (" + channel + "); no agent secret involved");
	}

	void refused(String claimedAgentId, @Nullable String address, String reason) {
		Instant now = this.clock.instant();
		String key = (address != null) ? address : "(unknown)";
		if (!this.windows.containsKey(key) && this.windows.size() >= MAX_ADDRESSES) {
			this.windows.values().removeIf((window) -> window.expired(now));
			if (this.windows.size() >= MAX_ADDRESSES) {
				key = OTHERS;
			}
		}
		Window window = this.windows.computeIfAbsent(key, (k) -> new Window());
		long suppressed;
		synchronized (window) {
			if (window.openedAt != null && !window.expired(now)) {
				window.suppressed.incrementAndGet();
				return;
			}
			window.openedAt = now;
			suppressed = window.suppressed.getAndSet(0);
		}
		String detail = reason + ((suppressed > 0)
				? "; " + suppressed + " more refused registration(s) from this address since the last one recorded"
				: "");
		this.audit.recordFrom("agent:" + claimedAgentId, address, "agent.register", claimedAgentId, AuditLog.DENIED,
				detail);
	}

	private static final class Window {

		@Nullable Instant openedAt;

		final AtomicLong suppressed = new AtomicLong();

		boolean expired(Instant now) {
			return this.openedAt == null || !now.isBefore(this.openedAt.plus(WINDOW));
		}

	}

}
