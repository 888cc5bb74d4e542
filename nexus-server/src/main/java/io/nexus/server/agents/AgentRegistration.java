package io.nexus.server.agents;

import java.io.Serializable;

/**
 * A newly registered agent with its credential. The token is shown this once; Nexus keeps
 * only its hash. Serializable because the dashboard carries it to the next page as a
 * flash attribute of the browser's session, which is stored in the database until that
 * page is shown (docs/security.md).
 *
 * @param agent the agent
 * @param token its secret token
 */
public record AgentRegistration(Agent agent, String token) implements Serializable {

	@Override
	public String toString() {
		return "AgentRegistration[agent=" + this.agent.id() + ", token=<redacted>]";
	}

}
