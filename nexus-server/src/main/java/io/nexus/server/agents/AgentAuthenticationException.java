package io.nexus.server.agents;

/**
 * An agent could not prove who it is. The message is safe to show to the agent: it never
 * says whether the id exists.
 */
public class AgentAuthenticationException extends RuntimeException {

	public AgentAuthenticationException(String message) {
		super(message);
	}

}
