package io.nexus.server.dispatch;

/**
 * This node takes no registrations: it is shutting down or was declared dead. The
 * connection is closed with {@code CloseCode.RECONNECT} and the agent registers on
 * another node, keeping its tasks.
 */
public class NodeNotLiveException extends RuntimeException {

	public NodeNotLiveException(String reason) {
		super(reason);
	}

}
