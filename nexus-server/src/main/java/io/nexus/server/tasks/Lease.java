package io.nexus.server.tasks;

import io.nexus.server.agents.AgentId;

/**
 * The right of one agent to work on one task, fenced by the lease epoch: any report that
 * carries an older epoch is refused.
 *
 * @param taskId the task
 * @param agentId the agent
 * @param epoch the lease epoch
 */
public record Lease(TaskId taskId, AgentId agentId, long epoch) {

}
