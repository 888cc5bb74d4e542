package io.nexus.server.dashboard;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Durations in words, for the pages.
 */
final class Durations {

	private Durations() {
	}

	static String human(@Nullable Double seconds) {
		if (seconds == null) {
			return "–";
		}
		if (seconds < 1) {
			return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
		}
		if (seconds < 60) {
			return String.format(Locale.ROOT, "%.1f s", seconds);
		}
		if (seconds < 3600) {
			return String.format(Locale.ROOT, "%.1f min", seconds / 60);
		}
		return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
	}

}
