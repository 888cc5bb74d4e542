package io.nexus.bench;

/**
 * Just enough of the Prometheus text format to add up the samples of one metric.
 */
final class PrometheusText {

	private PrometheusText() {
	}

	/**
	 * Adds up the samples of a metric whose labels contain a fragment.
	 * @param text the exposition
	 * @param metric the metric name
	 * @param labelFragment such as {@code area="heap"}
	 * @return the sum, rounded down
	 */
	static long sum(String text, String metric, String labelFragment) {
		double sum = 0;
		for (String line : text.split("\n")) {
			if (line.startsWith(metric + "{") && line.contains(labelFragment)) {
				String value = line.substring(line.lastIndexOf('}') + 1).trim().split(" ")[0];
				sum += Double.parseDouble(value);
			}
		}
		return (long) sum;
	}

}
