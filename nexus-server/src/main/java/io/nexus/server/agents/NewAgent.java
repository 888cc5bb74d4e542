package io.nexus.server.agents;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What it takes to register an agent.
 *
 * @param id the chosen id, or {@code null} to have one made
 * @param name a human name
 * @param capabilities what it can do
 * @param priorityScore preference among eligible agents
 * @param maxConcurrency how many tasks it may run at once
 * @param labels free-form labels
 */
public record NewAgent(@Nullable AgentId id, String name, List<String> capabilities, int priorityScore,
		int maxConcurrency, Map<String, String> labels) {

}
