package io.nexus.protocol;

import java.util.Optional;

/**
 * Why an agent's WebSocket connection was closed: every close code an agent can see, with
 * the reason text Nexus sends (some closes add a detail to it) and whether the agent
 * should reconnect by itself. The server closes with these codes and the SDK decides on
 * them; {@code docs/protocol.md} lists the same table, and a test keeps the two equal.
 */
public enum CloseCode {

	/** The agent closed the connection itself; Nexus does not send it. */
	NORMAL(1000, "", true),

	/** The agent sent a binary frame (the WebSocket container refuses it). */
	BINARY_FRAME(1003, "Binary messages not supported", true),

	/** The connection broke with no close frame (network, Nexus stopped); never sent. */
	ABNORMAL(1006, "", true),

	/** Frames waited too long for the agent to read them. */
	TOO_SLOW(1008, "too slow to read frames", true),

	/**
	 * Too many refused frames, or an unsupported protocol version. A retry is allowed,
	 * with backoff: a rolling upgrade can refuse a version for a while.
	 */
	PROTOCOL_ERROR(4400, "too many protocol errors", true),

	/** Registration refused or missing; the same credentials will not do better. */
	UNAUTHORIZED(4401, "unauthorized", false),

	/** An operator deleted the agent or revoked its token. */
	AGENT_REMOVED(4403, "agent deleted", false),

	/** Silence past the heartbeat timeout. */
	HEARTBEAT_TIMEOUT(4408, "no heartbeat", true),

	/** Another connection registered as the same agent: another process is this agent. */
	REPLACED(4409, "replaced by a new connection", false),

	/** The remote address already holds the most connections allowed. */
	TOO_MANY_CONNECTIONS(4429, "too many connections from this address", true),

	/**
	 * The node is shutting down (or was declared dead by the others): reconnect at once,
	 * through the gateway or to another node, listing the running tasks in
	 * {@code agent_register} to keep them with their lease epochs.
	 */
	RECONNECT(4503, "reconnect: this node is shutting down", true);

	private final int code;

	private final String reason;

	private final boolean reconnect;

	CloseCode(int code, String reason, boolean reconnect) {
		this.code = code;
		this.reason = reason;
		this.reconnect = reconnect;
	}

	/**
	 * The numeric close code on the wire.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * The reason text Nexus sends, or its beginning when a detail follows; empty for
	 * codes Nexus does not send.
	 * @return the reason text
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * Whether an agent should connect again by itself (with backoff). {@code false} means
	 * that reconnecting cannot help until an operator or the agent's owner acts.
	 * @return whether to reconnect
	 */
	public boolean reconnect() {
		return this.reconnect;
	}

	/**
	 * Looks a numeric code up.
	 * @param code a close code from the wire
	 * @return the close code, or empty for a code this protocol does not define
	 */
	public static Optional<CloseCode> of(int code) {
		for (CloseCode candidate : values()) {
			if (candidate.code == code) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

}
