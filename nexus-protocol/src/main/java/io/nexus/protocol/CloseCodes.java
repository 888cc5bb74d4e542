package io.nexus.protocol;

/**
 * The WebSocket close codes Nexus uses (docs/protocol.md, "Close codes"), and whether an
 * agent should reconnect after each.
 */
public final class CloseCodes {

	/** Too many protocol errors, or an unsupported protocol version. */
	public static final int PROTOCOL_ERROR = 4400;

	/** Registration refused or missing: do not reconnect with the same credentials. */
	public static final int UNAUTHORIZED = 4401;

	/** The agent was deleted or its token revoked: do not reconnect. */
	public static final int FORBIDDEN = 4403;

	/** No heartbeat within the heartbeat timeout: reconnect. */
	public static final int HEARTBEAT_TIMEOUT = 4408;

	/** Another connection registered as this agent: do not reconnect. */
	public static final int REPLACED = 4409;

	/** Too many connections from this address: reconnect later, with backoff. */
	public static final int TOO_MANY = 4429;

	/**
	 * The node is shutting down (or must re-register its agents): reconnect at once,
	 * through the gateway or to another node, and list the running tasks in
	 * {@code agent_register} to keep them.
	 */
	public static final int RECONNECT = 4503;

	private CloseCodes() {
	}

	/**
	 * Whether an agent should reconnect after a close with this code.
	 * @param code the close code
	 * @return {@code false} for refused credentials, deletion and replacement
	 */
	public static boolean shouldReconnect(int code) {
		return code != UNAUTHORIZED && code != FORBIDDEN && code != REPLACED;
	}

}
