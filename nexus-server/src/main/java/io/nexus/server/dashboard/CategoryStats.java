package io.nexus.server.dashboard;

/**
 * Run times of the tasks of one category that completed in the range.
 *
 * @param category the category ({@code (none)} for tasks without one)
 * @param count how many completed
 * @param p50 the median run time
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param estimated the average estimate, or a dash
 * @param actual the average actual duration
 * @param estimatedMinutes the average estimate in minutes, for the chart (0 if none)
 * @param actualMinutes the average actual duration in minutes, for the chart
 */
record CategoryStats(String category, long count, String p50, String p90, String p99, String estimated, String actual,
		double estimatedMinutes, double actualMinutes) {

}
