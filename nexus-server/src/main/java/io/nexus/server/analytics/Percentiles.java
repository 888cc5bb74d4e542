package io.nexus.server.analytics;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Nearest-rank percentiles of durations, in seconds; {@code null} when there are none.
 *
 * @param count how many values
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the largest
 */
public record Percentiles(long count, @Nullable Double p50, @Nullable Double p90, @Nullable Double p99,
		@Nullable Double max) {

	/**
	 * The percentiles of values.
	 * @param values durations in seconds, in any order
	 * @return the percentiles
	 */
	public static Percentiles of(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		return new Percentiles(sorted.size(), percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
				sorted.isEmpty() ? null : sorted.get(sorted.size() - 1));
	}

	static @Nullable Double percentile(List<Double> sorted, double percent) {
		if (sorted.isEmpty()) {
			return null;
		}
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
	}

}
