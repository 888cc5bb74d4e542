package io.nexus.server.dashboard;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Small arithmetic for the analytics: percentiles and human-readable durations.
 */
final class Durations {

	private Durations() {
	}

	/**
	 * The nearest-rank percentile of sorted values.
	 * @param sorted values in ascending order
	 * @param percent 0-100
	 * @return the percentile, or {@code null} when there are no values
	 */
	static @Nullable Double percentile(List<Double> sorted, double percent) {
		if (sorted.isEmpty()) {
			return null;
		}
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
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

	static @Nullable Double average(List<Double> values) {
		return values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
	}

}
