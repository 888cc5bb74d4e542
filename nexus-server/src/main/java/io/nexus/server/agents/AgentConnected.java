package io.nexus.server.agents;

import java.time.Instant;

/**
 * An agent's connection was recorded on a node (published inside the transaction).
 *
 * @param agentId the agent
 * @param nodeId the node that holds its connection
 * @param at when
 */
public record AgentConnected(AgentId agentId, String nodeId, Instant at) {

}
