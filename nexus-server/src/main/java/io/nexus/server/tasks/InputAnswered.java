package io.nexus.server.tasks;

import io.nexus.server.agents.AgentId;

/**
 * A person answered an agent's question; the task runs again and the answer is to be sent
 * to the agent that holds its lease.
 *
 * @param question the question, with its answer
 * @param agentId the agent that holds the task's lease now
 * @param leaseEpoch the lease
 */
public record InputAnswered(InputQuestion question, AgentId agentId, long leaseEpoch) {

}
