package io.nexus.server.security;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.nexus.server.audit.AuditLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Rate limits of the API: a token bucket per principal (per address for calls that carry
 * no valid credentials). The buckets are in Redis when it is configured, shared by all
 * nodes ({@link SharedCounters}); otherwise, or while Redis does not answer, in memory on
 * each node. Over the limit: 429 with {@code Retry-After}.
 */
class RateLimitFilter extends OncePerRequestFilter {

	private static final int MAX_BUCKETS = 100_000;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final SecurityProperties.RateLimit settings;

	private final ProblemResponses problems;

	private final SharedCounters shared;

	RateLimitFilter(SecurityProperties.RateLimit settings, ProblemResponses problems, SharedCounters shared) {
		this.settings = settings;
		this.problems = problems;
		this.shared = shared;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.settings.enabled()) {
			chain.doFilter(request, response);
			return;
		}
		String actor = AuditLog.currentActor();
		String key = "anonymous".equals(actor) ? "address:" + request.getRemoteAddr() : "principal:" + actor;
		Long sharedWait = this.shared.take(key, this.settings);
		long waitNanos = (sharedWait != null) ? sharedWait : takeLocally(key);
		if (waitNanos > 0) {
			long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
			this.problems.write(response, 429, "rate_limited", "Too Many Requests",
					"Rate limit exceeded; retry after " + seconds + " s", request.getRequestURI());
			return;
		}
		chain.doFilter(request, response);
	}

	private long takeLocally(String key) {
		long nanos = System.nanoTime();
		if (this.buckets.size() > MAX_BUCKETS) {
			this.buckets.values().removeIf((bucket) -> bucket.isFull(nanos, this.settings));
		}
		return this.buckets.computeIfAbsent(key, (k) -> new Bucket(this.settings.burst(), nanos))
			.take(nanos, this.settings);
	}

	private static final class Bucket {

		private double tokens;

		private long updatedNanos;

		Bucket(double tokens, long nanos) {
			this.tokens = tokens;
			this.updatedNanos = nanos;
		}

		synchronized long take(long nanos, SecurityProperties.RateLimit settings) {
			refill(nanos, settings);
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return 0;
			}
			return (long) ((1 - this.tokens) / settings.requestsPerSecond() * 1_000_000_000L);
		}

		synchronized boolean isFull(long nanos, SecurityProperties.RateLimit settings) {
			refill(nanos, settings);
			return this.tokens >= settings.burst();
		}

		private void refill(long nanos, SecurityProperties.RateLimit settings) {
			double added = (nanos - this.updatedNanos) / 1e9 * settings.requestsPerSecond();
			this.tokens = Math.min(settings.burst(), this.tokens + added);
			this.updatedNanos = nanos;
		}

	}

}
