package io.nexus.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Counts failed logins per user name and per address within a window; past the limit, the
 * name or address is locked out for a while, even with the right password. Kept in Redis
 * when it is configured, shared by all nodes ({@link SharedCounters}); otherwise, or
 * while Redis does not answer, in memory: each node counts on its own.
 */
@Component
class LoginThrottle {

	private static final int MAX_KEYS = 100_000;

	private final Map<String, Failures> failures = new ConcurrentHashMap<>();

	private final SecurityProperties.Login settings;

	private final Clock clock;

	private final SharedCounters shared;

	LoginThrottle(SecurityProperties properties, Clock clock, SharedCounters shared) {
		this.settings = properties.login();
		this.clock = clock;
		this.shared = shared;
	}

	/**
	 * How long the user name or address is still locked, if it is.
	 * @param username the user name tried
	 * @param address the client's address
	 * @return the time left, or empty
	 */
	Optional<Duration> lockedFor(String username, @Nullable String address) {
		Instant now = this.clock.instant();
		String[] keys = keys(username, address);
		Duration sharedLeft = this.shared.lockedFor(List.of(keys));
		// locks counted in memory while Redis was down still hold
		Duration left = (sharedLeft != null) ? sharedLeft : Duration.ZERO;
		for (String key : keys) {
			Failures entry = this.failures.get(key);
			if (entry != null) {
				Duration remaining = entry.lockedFor(now);
				left = (remaining.compareTo(left) > 0) ? remaining : left;
			}
		}
		return left.isZero() ? Optional.empty() : Optional.of(left);
	}

	void failed(String username, @Nullable String address) {
		Instant now = this.clock.instant();
		if (this.failures.size() > MAX_KEYS) {
			this.failures.values().removeIf((entry) -> entry.idle(now, this.settings.window()));
		}
		String[] keys = keys(username, address);
		for (String key : keys) {
			int limit = key.startsWith("u:") ? this.settings.maxFailuresPerUser()
					: this.settings.maxFailuresPerAddress();
			if (this.shared.failed(key, limit, this.settings) != null) {
				continue;
			}
			this.failures.computeIfAbsent(key, (k) -> new Failures()).add(now, limit, this.settings);
		}
	}

	void succeeded(String username) {
		this.shared.reset(userKey(username));
		this.failures.remove(userKey(username));
	}

	private static String[] keys(String username, @Nullable String address) {
		return (address != null) ? new String[] { userKey(username), "a:" + address }
				: new String[] { userKey(username) };
	}

	private static String userKey(String username) {
		return "u:" + username.toLowerCase(Locale.ROOT);
	}

	private static final class Failures {

		private final Deque<Instant> times = new ArrayDeque<>();

		private @Nullable Instant lockedUntil;

		synchronized void add(Instant now, int limit, SecurityProperties.Login settings) {
			Instant horizon = now.minus(settings.window());
			while (!this.times.isEmpty() && this.times.peekFirst().isBefore(horizon)) {
				this.times.removeFirst();
			}
			this.times.addLast(now);
			if (this.times.size() >= limit) {
				this.lockedUntil = now.plus(settings.lockout());
				this.times.clear();
			}
		}

		synchronized Duration lockedFor(Instant now) {
			return (this.lockedUntil != null && this.lockedUntil.isAfter(now)) ? Duration.between(now, this.lockedUntil)
					: Duration.ZERO;
		}

		synchronized boolean idle(Instant now, Duration window) {
			Instant last = this.times.peekLast();
			return lockedFor(now).isZero() && (last == null || last.isBefore(now.minus(window)));
		}

	}

}
