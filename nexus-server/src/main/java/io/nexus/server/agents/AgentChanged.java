package io.nexus.server.agents;

/**
 * An agent's settings or status changed.
 *
 * @param agent the agent as it is now
 */
public record AgentChanged(Agent agent) {

}
