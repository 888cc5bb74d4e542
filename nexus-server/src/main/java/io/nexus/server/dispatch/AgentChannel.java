package io.nexus.server.dispatch;

import io.nexus.protocol.frames.ServerFrame;
import org.jspecify.annotations.Nullable;

/**
 * One live connection of an agent, as dispatch sees it; the WebSocket gateway implements
 * it.
 */
public interface AgentChannel {

	/**
	 * Sends a frame; never blocks for long and never throws for a broken connection (the
	 * close is noticed separately).
	 * @param frame the frame
	 */
	void send(ServerFrame frame);

	/**
	 * Sends a WebSocket ping; the answering pong counts as a sign of life.
	 */
	void ping();

	/**
	 * Closes the connection.
	 * @param code a WebSocket close code (4xxx for Nexus's own reasons)
	 * @param reason a short reason
	 */
	void close(int code, String reason);

	/**
	 * A label for logs (remote address and session).
	 * @return the label
	 */
	String describe();

	/**
	 * The address of the remote end, for the audit trail.
	 * @return the address (without port), or {@code null} if unknown
	 */
	default @Nullable String remoteAddress() {
		return null;
	}

}
