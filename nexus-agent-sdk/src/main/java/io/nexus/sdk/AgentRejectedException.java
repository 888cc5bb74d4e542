package io.nexus.sdk;

/**
 * Nexus refused the agent's credentials (close code 4401, or HTTP 401/403 on the
 * handshake), or closed the connection with another code after which reconnecting cannot
 * help (4403: the agent was deleted or its token revoked; 4409: another process
 * registered as this agent; see {@code CloseCode#reconnect()}). The agent stops.
 */
public class AgentRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what Nexus said
	 */
	public AgentRejectedException(String message) {
		super(message);
	}

}
