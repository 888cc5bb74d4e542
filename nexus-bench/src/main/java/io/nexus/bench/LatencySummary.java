package io.nexus.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The percentiles of one latency histogram (recorded in nanoseconds), in milliseconds.
 *
 * @param count how many values
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param p999 the 99.9th percentile
 * @param max the largest value
 */
record LatencySummary(long count, double p50, double p90, double p99, double p999, double max) {

	static LatencySummary of(Histogram histogram) {
		return new LatencySummary(histogram.getTotalCount(), ms(histogram.getValueAtPercentile(50)),
				ms(histogram.getValueAtPercentile(90)), ms(histogram.getValueAtPercentile(99)),
				ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
	}

	String text() {
		return String.format(Locale.ROOT, "p50 %8.2f  p90 %8.2f  p99 %8.2f  p99.9 %8.2f  max %8.2f ms  (n=%d)",
				this.p50, this.p90, this.p99, this.p999, this.max, this.count);
	}

	Map<String, Object> json() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("count", this.count);
		json.put("p50_ms", this.p50);
		json.put("p90_ms", this.p90);
		json.put("p99_ms", this.p99);
		json.put("p99_9_ms", this.p999);
		json.put("max_ms", this.max);
		return json;
	}

	private static double ms(long nanos) {
		return Math.round(nanos / 1e4) / 100.0;
	}

}
