package io.nexus.server.analytics;

/**
 * What one agent did in a range.
 *
 * @param agentId the agent
 * @param completed tasks it completed
 * @param failed tasks that failed on it
 * @param successRate percent completed of those finished
 * @param utilization percent of its slot time spent running tasks
 */
public record AgentStats(String agentId, long completed, long failed, int successRate, int utilization) {

}
