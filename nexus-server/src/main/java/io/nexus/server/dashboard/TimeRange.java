package io.nexus.server.dashboard;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The time ranges analytics offers, each with a bucket size that gives a readable chart.
 */
enum TimeRange {

	/** The last hour, in 5-minute buckets. */
	HOUR("1h", "Last hour", Duration.ofHours(1), Duration.ofMinutes(5)),
	/** The last day, in hourly buckets. */
	DAY("24h", "Last 24 hours", Duration.ofDays(1), Duration.ofHours(1)),
	/** The last week, in 12-hour buckets. */
	WEEK("7d", "Last 7 days", Duration.ofDays(7), Duration.ofHours(12)),
	/** The last 30 days, in daily buckets. */
	MONTH("30d", "Last 30 days", Duration.ofDays(30), Duration.ofDays(1));

	private final String id;

	private final String label;

	private final Duration length;

	private final Duration bucket;

	TimeRange(String id, String label, Duration length, Duration bucket) {
		this.id = id;
		this.label = label;
		this.length = length;
		this.bucket = bucket;
	}

	String id() {
		return this.id;
	}

	String label() {
		return this.label;
	}

	Duration length() {
		return this.length;
	}

	Duration bucket() {
		return this.bucket;
	}

	static TimeRange parse(@Nullable String value) {
		Optional<TimeRange> found = Arrays.stream(values()).filter((range) -> range.id.equals(value)).findFirst();
		return found.orElse(DAY);
	}

}
