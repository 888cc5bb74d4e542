package io.nexus.server.agents;

/**
 * An agent was put in quarantine, or its quarantine was replaced (published inside the
 * transaction).
 *
 * @param agentId the agent
 * @param quarantine why, and until when
 */
public record AgentQuarantined(AgentId agentId, AgentQuarantine quarantine) {

}
