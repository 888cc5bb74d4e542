package io.nexus.server.agents;

import java.time.Instant;

/**
 * An agent's connection was recorded as closed: its reconnect grace starts (published
 * inside the transaction).
 *
 * @param agentId the agent
 * @param reason why, such as {@code connection closed} or {@code node declared dead}
 * @param at when
 */
public record AgentDisconnected(AgentId agentId, String reason, Instant at) {

}
