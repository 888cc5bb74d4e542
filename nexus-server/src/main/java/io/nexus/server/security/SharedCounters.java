package io.nexus.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The login failure counters, lockouts and rate-limit buckets that all nodes share, in
 * Redis when {@code REDIS_URL} is set. Every key starts with
 * {@code nexus.redis.key-prefix} and expires, so Redis holds nothing durable.
 * <p>
 * When Redis is not configured, or does not answer, each method returns {@code null} and
 * the caller counts in memory on this node. A failure logs one WARN and marks Redis down
 * ({@code /health} component {@code redis}, gauge {@code nexus_redis_fallback_active});
 * while it is down, one call per {@code nexus.redis.retry-interval} tries it again, so
 * the nodes go back to the shared counters on their own once it answers.
 */
@Component
class SharedCounters {

	private static final Logger logger = LoggerFactory.getLogger(SharedCounters.class);

	/**
	 * KEYS: failures, lock; ARGV: window ms, limit, lockout ms. Counts a failure in a
	 * window that starts with the first one; at the limit, sets the lock and starts over.
	 */
	private static final RedisScript<Long> FAILED = RedisScript.of("""
			local n = redis.call('INCR', KEYS[1])
			if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
			if n >= tonumber(ARGV[2]) then
			  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
			  redis.call('DEL', KEYS[1])
			end
			return n
			""", Long.class);

	/**
	 * KEYS: bucket; ARGV: microseconds per request, burst. GCRA, with Redis's clock so
	 * that all nodes agree: returns 0 and takes a slot, or the microseconds to wait.
	 */
	private static final RedisScript<Long> TAKE = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
			local interval = tonumber(ARGV[1])
			local tolerance = interval * tonumber(ARGV[2])
			local tat = tonumber(redis.call('GET', KEYS[1]))
			if tat == nil or tat < now then tat = now end
			local next = tat + interval
			local wait = next - now - tolerance
			if wait > 0 then return math.ceil(wait) end
			redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil((next - now) / 1000))
			return 0
			""", Long.class);

	private final @Nullable StringRedisTemplate redis;

	private final String prefix;

	private final Duration retryInterval;

	private final Clock clock;

	private final AtomicBoolean down = new AtomicBoolean();

	private final AtomicReference<Instant> nextTry = new AtomicReference<>(Instant.MIN);

	SharedCounters(ObjectProvider<StringRedisTemplate> redis, RedisCounterProperties properties, Clock clock,
			MeterRegistry meters) {
		this.redis = redis.getIfAvailable();
		this.prefix = properties.keyPrefix();
		this.retryInterval = properties.retryInterval();
		this.clock = clock;
		if (this.redis != null) {
			Gauge.builder("nexus.redis.fallback.active", this.down, (value) -> value.get() ? 1 : 0)
				.description("1 while Redis is configured but unreachable and limits are counted per node")
				.register(meters);
		}
	}

	/**
	 * Whether Redis is configured.
	 * @return whether counters are meant to be shared
	 */
	boolean configured() {
		return this.redis != null;
	}

	/**
	 * Whether Redis is configured but did not answer the last call.
	 * @return whether the nodes count on their own
	 */
	boolean fallbackActive() {
		return this.down.get();
	}

	/**
	 * How long the longest of the given login locks has left.
	 * @param keys login throttle keys ({@code u:name}, {@code a:address})
	 * @return the time left (zero when none), or {@code null} to count in memory
	 */
	@Nullable Duration lockedFor(List<String> keys) {
		return call((redis) -> {
			long longest = 0;
			for (String key : keys) {
				Long left = redis.getExpire(lockKey(key), TimeUnit.MILLISECONDS);
				longest = (left != null && left > longest) ? left : longest;
			}
			return Duration.ofMillis(longest);
		});
	}

	/**
	 * Counts a failed login for a key.
	 * @param key the login throttle key
	 * @param limit the failures that lock it
	 * @param settings window and lockout
	 * @return {@code true}, or {@code null} to count in memory
	 */
	@Nullable Boolean failed(String key, int limit, SecurityProperties.Login settings) {
		return call((redis) -> {
			redis.execute(FAILED, List.of(failuresKey(key), lockKey(key)),
					Long.toString(Math.max(1, settings.window().toMillis())), Integer.toString(limit),
					Long.toString(Math.max(1, settings.lockout().toMillis())));
			return Boolean.TRUE;
		});
	}

	/**
	 * Forgets the failures and lock of a key.
	 * @param key the login throttle key
	 * @return {@code true}, or {@code null} when Redis did not answer
	 */
	@Nullable Boolean reset(String key) {
		return call((redis) -> {
			redis.delete(List.of(failuresKey(key), lockKey(key)));
			return Boolean.TRUE;
		});
	}

	/**
	 * Takes one request from a rate-limit bucket.
	 * @param key the bucket
	 * @param settings the rate and burst
	 * @return nanoseconds to wait (0: go ahead), or {@code null} to count in memory
	 */
	@Nullable Long take(String key, SecurityProperties.RateLimit settings) {
		long interval = Math.max(1, Math.round(1_000_000 / settings.requestsPerSecond()));
		return call((redis) -> {
			Long waitMicros = redis.execute(TAKE, List.of(this.prefix + "rate:" + key), Long.toString(interval),
					Integer.toString(Math.max(1, settings.burst())));
			return (waitMicros != null) ? waitMicros * 1000 : 0L;
		});
	}

	/**
	 * Asks Redis whether it answers, and records the answer.
	 * @return whether it answered
	 */
	boolean ping() {
		StringRedisTemplate redis = this.redis;
		if (redis == null) {
			return false;
		}
		try {
			redis
				.execute((org.springframework.data.redis.core.RedisCallback<String>) (connection) -> connection.ping());
			up();
			return true;
		}
		catch (RuntimeException ex) {
			failed(ex);
			return false;
		}
	}

	private <T> @Nullable T call(Function<StringRedisTemplate, T> action) {
		StringRedisTemplate redis = this.redis;
		if (redis == null || !mayTry()) {
			return null;
		}
		try {
			T result = action.apply(redis);
			up();
			return result;
		}
		catch (RuntimeException ex) {
			failed(ex);
			return null;
		}
	}

	private boolean mayTry() {
		if (!this.down.get()) {
			return true;
		}
		Instant now = this.clock.instant();
		Instant next = this.nextTry.get();
		// one caller per retry interval tries again; the others count in memory meanwhile
		return !now.isBefore(next) && this.nextTry.compareAndSet(next, now.plus(this.retryInterval));
	}

	private void up() {
		if (this.down.compareAndSet(true, false)) {
			logger.info("Redis answers again; login throttling and rate limits are shared by all nodes again");
		}
	}

	private void failed(RuntimeException ex) {
		this.nextTry.set(this.clock.instant().plus(this.retryInterval));
		if (this.down.compareAndSet(false, true)) {
			// the exception's message only: never the URL, which may carry a password
			logger.warn("Redis does not answer ({}); login throttling and rate limits are counted on each node "
					+ "until it does", ex.getClass().getSimpleName());
		}
	}

	private String failuresKey(String key) {
		return this.prefix + "login:{" + key + "}:failures";
	}

	private String lockKey(String key) {
		return this.prefix + "login:{" + key + "}:lock";
	}

}
