package io.nexus.sdk;

/**
 * Nexus refused the agent's credentials (close code 4401, or HTTP 401/403 on the
 * handshake). The agent stops: retrying with the same token cannot succeed.
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
