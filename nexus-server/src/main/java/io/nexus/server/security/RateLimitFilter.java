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
 * no valid credentials), in memory on each node. Over the limit: 429 with
 * {@code Retry-After}.
 */
class RateLimitFilter extends OncePerRequestFilter {

	private static final int MAX_BUCKETS = 100_000;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final SecurityProperties.RateLimit settings;

	private final ProblemResponses problems;

	RateLimitFilter(SecurityProperties.RateLimit settings, ProblemResponses problems) {
		this.settings = settings;
		this.problems = problems;
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
		long nanos = System.nanoTime();
		if (this.buckets.size() > MAX_BUCKETS) {
			this.buckets.values().removeIf((bucket) -> bucket.isFull(nanos, this.settings));
		}
		long waitNanos = this.buckets.computeIfAbsent(key, (k) -> new Bucket(this.settings.burst(), nanos))
			.take(nanos, this.settings);
		if (waitNanos > 0) {
			long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
			this.problems.write(response, 429, "rate_limited", "Too Many Requests",
					"Rate limit exceeded; retry after " + seconds + " s", request.getRequestURI());
			return;
		}
		chain.doFilter(request, response);
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
