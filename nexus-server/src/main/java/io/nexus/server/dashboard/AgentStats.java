package io.nexus.server.dashboard;

/**
 * What one agent did in the range.
 *
 * @param agentId the agent
 * @param completed tasks it completed
 * @param failed tasks that failed on it
 * @param successRate percent completed of those finished
 * @param utilization percent of its slot time spent running tasks
 */
record AgentStats(String agentId, long completed, long failed, int successRate, int utilization) {

}
