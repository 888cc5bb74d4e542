package io.nexus.server.realtime;

/**
 * This node takes no registrations: it is shutting down or was declared dead. The
 * connection is closed with {@code CloseCode.RECONNECT} and the agent registers on
 * another node, keeping its tasks.
 */
class NodeNotLiveException extends RuntimeException {

	NodeNotLiveException(String reason) {
		super(reason);
	}

}
