package io.nexus.server.analytics;

import org.jspecify.annotations.Nullable;

/**
 * Run times of the tasks of one category that completed in a range.
 *
 * @param category the category ({@code (none)} for tasks without one)
 * @param run run times (started to finished), seconds
 * @param estimatedSeconds the average estimate, or {@code null} if none had one
 * @param actualSeconds the average actual duration (as reported, else the run time)
 */
public record CategoryDurations(String category, Percentiles run, @Nullable Double estimatedSeconds,
		@Nullable Double actualSeconds) {

}
