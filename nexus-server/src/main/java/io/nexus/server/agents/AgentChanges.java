package io.nexus.server.agents;

import java.util.List;
import java.util.Map;

import io.nexus.protocol.AgentStatus;
import org.jspecify.annotations.Nullable;

/**
 * A partial update of an agent: {@code null} leaves a field as it is.
 *
 * @param name a new name
 * @param status a new operational status
 * @param capabilities a new set of capabilities
 * @param priorityScore a new priority score
 * @param maxConcurrency a new concurrency limit
 * @param labels new labels (replacing the old)
 * @param cpuUsage reported CPU use, percent
 * @param memoryUsage reported memory use, percent
 */
public record AgentChanges(@Nullable String name, @Nullable AgentStatus status, @Nullable List<String> capabilities,
		@Nullable Integer priorityScore, @Nullable Integer maxConcurrency, @Nullable Map<String, String> labels,
		@Nullable Double cpuUsage, @Nullable Double memoryUsage) {

	boolean reportsPerformance() {
		return this.cpuUsage != null || this.memoryUsage != null;
	}

}
