package io.nexus.server.agents;

/**
 * An agent was removed from the registry; its unfinished tasks must go back to the queue.
 *
 * @param agentId the removed agent
 * @param actor who removed it
 */
public record AgentDeleted(AgentId agentId, String actor) {

}
