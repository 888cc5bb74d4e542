package io.nexus.server.agents.web;

import java.time.Instant;
import java.util.List;

import io.nexus.server.agents.AgentSample;
import io.nexus.server.agents.AgentSamples;
import org.jspecify.annotations.Nullable;

/**
 * An agent's resource history as the API shows it.
 *
 * @param agentId the agent
 * @param range the range: {@code 1h}, {@code 6h}, {@code 24h} or {@code 7d}
 * @param from the start of the first bucket
 * @param to the end of the last bucket
 * @param bucketSeconds the size of a bucket
 * @param sampleIntervalSeconds the shortest time between two samples of one agent
 * @param points the buckets that hold samples, oldest first
 */
record AgentMetricsResponse(String agentId, String range, Instant from, Instant to, long bucketSeconds,
		long sampleIntervalSeconds, List<Point> points) {

	static AgentMetricsResponse of(AgentSamples.History history) {
		return new AgentMetricsResponse(history.agentId().value(), history.range().id(), history.start(), history.end(),
				history.bucket().toSeconds(), history.sampleInterval().toSeconds(),
				history.points().stream().map(Point::of).toList());
	}

	/**
	 * One bucket.
	 *
	 * @param at the start of the bucket
	 * @param cpuPercent average CPU use, percent
	 * @param cpuPercentMax highest CPU use, percent
	 * @param memoryPercent average memory use, percent
	 * @param memoryPercentMax highest memory use, percent
	 * @param activeTasks average number of tasks held
	 * @param activeTasksMax most tasks held
	 * @param samples how many samples the bucket summarizes
	 */
	record Point(Instant at, @Nullable Double cpuPercent, @Nullable Double cpuPercentMax,
			@Nullable Double memoryPercent, @Nullable Double memoryPercentMax, double activeTasks, int activeTasksMax,
			int samples) {

		static Point of(AgentSample sample) {
			return new Point(sample.at(), round(sample.cpuPercent()), round(sample.cpuPercentMax()),
					round(sample.memoryPercent()), round(sample.memoryPercentMax()),
					Math.round(sample.activeTasks() * 100) / 100.0, sample.activeTasksMax(), sample.samples());
		}

		private static @Nullable Double round(@Nullable Double value) {
			return (value != null) ? Math.round(value * 100) / 100.0 : null;
		}

	}

}
