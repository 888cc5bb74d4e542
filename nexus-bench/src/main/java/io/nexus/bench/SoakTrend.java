package io.nexus.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether one gauge stayed flat over a soak: its first, last and highest values, and the
 * average of the last quarter of the samples against that of the second quarter (the
 * first quarter is left out: the server is still warming up, filling caches and pools).
 * Flat means the last quarter's average is at most {@code tolerance} above the second
 * quarter's; a fall is flat too, since what a soak looks for is a leak.
 *
 * @param first the first sample
 * @param last the last sample
 * @param max the highest sample
 * @param secondQuarter the average of the second quarter of the samples
 * @param lastQuarter the average of the last quarter
 * @param flat whether the last quarter stayed within the tolerance
 */
record SoakTrend(double first, double last, double max, double secondQuarter, double lastQuarter, boolean flat) {

	/** Fewer samples than this give no verdict: a quarter must hold at least one. */
	static final int MIN_SAMPLES = 4;

	/**
	 * Judges a series.
	 * @param values the samples, in time order
	 * @param tolerance the growth allowed, as a fraction (0.1: 10 %)
	 * @return the trend
	 * @throws IllegalArgumentException with fewer than {@link #MIN_SAMPLES} samples
	 */
	static SoakTrend of(List<? extends Number> values, double tolerance) {
		int n = values.size();
		if (n < MIN_SAMPLES) {
			throw new IllegalArgumentException("a soak verdict needs at least " + MIN_SAMPLES + " samples, not " + n);
		}
		double max = values.stream().mapToDouble(Number::doubleValue).max().orElseThrow();
		double second = average(values.subList(n / 4, n / 2));
		double last = average(values.subList(n - n / 4, n));
		boolean flat = last <= second * (1 + tolerance);
		return new SoakTrend(values.get(0).doubleValue(), values.get(n - 1).doubleValue(), max, second, last, flat);
	}

	/**
	 * The change from the second quarter's average to the last quarter's.
	 * @return percent, positive for growth
	 */
	double changePercent() {
		return (this.secondQuarter == 0) ? 0 : 100 * (this.lastQuarter - this.secondQuarter) / this.secondQuarter;
	}

	Map<String, Object> json() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("first", this.first);
		json.put("last", this.last);
		json.put("max", this.max);
		json.put("second_quarter_avg", this.secondQuarter);
		json.put("last_quarter_avg", this.lastQuarter);
		json.put("change_pct", Math.round(changePercent() * 10) / 10.0);
		json.put("flat", this.flat);
		return json;
	}

	private static double average(List<? extends Number> values) {
		return values.stream().mapToDouble(Number::doubleValue).average().orElseThrow();
	}

}
