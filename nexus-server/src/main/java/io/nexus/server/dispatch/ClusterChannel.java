package io.nexus.server.dispatch;

/**
 * A channel of its own that another module sends and hears on the connection that carries
 * wake-ups between nodes ({@link ClusterEvents#send}); the gateway relays agent messages
 * this way. Each body travels as one PostgreSQL {@code NOTIFY}: at most once, to the
 * nodes listening at that moment, and never back to the node that sent it.
 */
public interface ClusterChannel {

	/**
	 * The channel's name before the schema is appended, such as {@code nexus_messages_}:
	 * channels are per database, so deployments in other schemas do not hear each other.
	 * @return the prefix
	 */
	String prefix();

	/**
	 * Handles a body another node sent; runs on the listening thread, so it must not
	 * block.
	 * @param body the body as sent
	 */
	void received(String body);

}
