package io.nexus.server.agents;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The spans of resource history one can ask for. Each is cut into {@value #BUCKETS}
 * buckets, so that an answer has at most that many points whatever the span.
 */
public enum SampleRange {

	/** The last hour, in 15-second buckets. */
	HOUR("1h", Duration.ofHours(1)),
	/** The last six hours, in 90-second buckets. */
	SIX_HOURS("6h", Duration.ofHours(6)),
	/** The last day, in 6-minute buckets. */
	DAY("24h", Duration.ofDays(1)),
	/** The last week, in 42-minute buckets. */
	WEEK("7d", Duration.ofDays(7));

	/** How many buckets a range has. */
	public static final int BUCKETS = 240;

	private final String id;

	private final Duration length;

	SampleRange(String id, Duration length) {
		this.id = id;
		this.length = length;
	}

	/**
	 * The name used in URLs ({@code ?range=1h}).
	 * @return the name
	 */
	public String id() {
		return this.id;
	}

	public Duration length() {
		return this.length;
	}

	public Duration bucket() {
		return this.length.dividedBy(BUCKETS);
	}

	/**
	 * Reads a range name.
	 * @param value {@code 1h}, {@code 6h}, {@code 24h} or {@code 7d}
	 * @return the range, or empty for anything else
	 */
	public static Optional<SampleRange> parse(@Nullable String value) {
		return Arrays.stream(values()).filter((range) -> range.id.equals(value)).findFirst();
	}

}
