package io.nexus.server.agents;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One bucket of an agent's resource history: averages and peaks of the samples taken in
 * it.
 *
 * @param at the start of the bucket
 * @param cpuPercent average CPU use, percent ({@code null} if no sample reported it)
 * @param cpuPercentMax highest CPU use, percent
 * @param memoryPercent average memory use, percent
 * @param memoryPercentMax highest memory use, percent
 * @param activeTasks average number of tasks the agent held
 * @param activeTasksMax most tasks the agent held
 * @param samples how many samples the bucket summarizes
 */
public record AgentSample(Instant at, @Nullable Double cpuPercent, @Nullable Double cpuPercentMax,
		@Nullable Double memoryPercent, @Nullable Double memoryPercentMax, double activeTasks, int activeTasksMax,
		int samples) {

}
