package io.nexus.bench;

import java.time.Duration;
import java.util.List;

/**
 * What a fair-share run does.
 *
 * @param backlog tasks created before the agents start
 * @param split percent of the backlog per key (three numbers)
 * @param agents SDK agents
 * @param concurrency slots of each
 * @param work how long each handler sleeps
 * @param windows measured windows
 * @param windowSeconds length of a window
 */
record FairShareSettings(int backlog, List<Integer> split, int agents, int concurrency, Duration work, int windows,
		int windowSeconds) {

}
