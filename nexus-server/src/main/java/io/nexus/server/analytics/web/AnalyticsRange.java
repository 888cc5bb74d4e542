package io.nexus.server.analytics.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;
import org.jspecify.annotations.Nullable;

/**
 * The time range of an analytics request: a named range ending now ({@code 1h},
 * {@code 6h}, {@code 24h}, {@code 7d}, {@code 30d}; default {@code 24h}), or
 * {@code from}/{@code to} (ISO-8601 instants, at most {@value #MAX_DAYS} days apart). The
 * bucket size keeps a range at about 100 buckets or fewer.
 *
 * @param from the start
 * @param to the end (exclusive)
 * @param bucket the bucket size for series
 */
record AnalyticsRange(Instant from, Instant to, Duration bucket) {

	static final int MAX_DAYS = 31;

	private static final Map<String, Duration> NAMED = Map.of("1h", Duration.ofHours(1), "6h", Duration.ofHours(6),
			"24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

	private static final List<Duration> BUCKETS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
			Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3),
			Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1));

	static AnalyticsRange parse(@Nullable String range, @Nullable String from, @Nullable String to, Instant now) {
		if (from != null || to != null) {
			if (range != null) {
				throw InvalidRequestException.badRequest("invalid_range", "give either 'range' or 'from' and 'to'");
			}
			if (from == null || to == null) {
				throw InvalidRequestException.badRequest("invalid_range", "'from' and 'to' go together");
			}
			Instant start = instant("from", from);
			Instant end = instant("to", to);
			if (!start.isBefore(end)) {
				throw InvalidRequestException.badRequest("invalid_range", "'from' must be before 'to'");
			}
			if (Duration.between(start, end).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
				throw InvalidRequestException.badRequest("invalid_range",
						"a range spans at most " + MAX_DAYS + " days");
			}
			return new AnalyticsRange(start, end, bucketFor(Duration.between(start, end)));
		}
		String name = (range != null) ? range : "24h";
		Duration length = NAMED.get(name);
		if (length == null) {
			throw InvalidRequestException.badRequest("invalid_range",
					"'range' must be one of 1h, 6h, 24h, 7d, 30d (or give 'from' and 'to')");
		}
		return new AnalyticsRange(now.minus(length), now, bucketFor(length));
	}

	private static Duration bucketFor(Duration length) {
		return BUCKETS.stream()
			.filter((bucket) -> length.dividedBy(bucket) <= 100)
			.findFirst()
			.orElse(BUCKETS.get(BUCKETS.size() - 1));
	}

	private static Instant instant(String name, String value) {
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw InvalidRequestException.badRequest("invalid_range",
					"'" + name + "' must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
		}
	}

}
