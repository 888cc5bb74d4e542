package io.nexus.server.agents;

/**
 * An agent's token stopped working (revoked or replaced); a connection made with it must
 * be closed at once.
 *
 * @param agentId the agent
 * @param reason who revoked it, or why
 */
public record AgentCredentialsRevoked(AgentId agentId, String reason) {

}
