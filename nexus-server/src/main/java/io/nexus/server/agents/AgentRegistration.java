package io.nexus.server.agents;

/**
 * A newly registered agent with its credential. The token is shown this once; Nexus keeps
 * only its hash.
 *
 * @param agent the agent
 * @param token its secret token
 */
public record AgentRegistration(Agent agent, String token) {

	@Override
	public String toString() {
		return "AgentRegistration[agent=" + this.agent.id() + ", token=<redacted>]";
	}

}
