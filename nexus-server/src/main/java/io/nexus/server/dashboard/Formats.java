package io.nexus.server.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Formatting the templates call as {@code ${@fmt.time(...)}}: times in UTC, ages and
 * durations in words.
 */
@Component("fmt")
class Formats {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM d, HH:mm:ss", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private final Clock clock;

	Formats(Clock clock) {
		this.clock = clock;
	}

	public String time(@Nullable Instant instant) {
		return (instant != null) ? TIME.format(instant) + " UTC" : "–";
	}

	public String ago(@Nullable Instant instant) {
		if (instant == null) {
			return "never";
		}
		long seconds = Math.max(0, Duration.between(instant, this.clock.instant()).toSeconds());
		if (seconds < 5) {
			return "just now";
		}
		return Durations.human((double) seconds).replace(".0 ", " ") + " ago";
	}

	public String between(@Nullable Instant from, @Nullable Instant to) {
		if (from == null || to == null) {
			return "–";
		}
		return Durations.human(Duration.between(from, to).toMillis() / 1000.0);
	}

	public String percent(@Nullable Double value) {
		return (value != null) ? String.format(Locale.ROOT, "%.0f%%", value) : "–";
	}

}
