package io.nexus.protocol.frames;

/**
 * Nexus checks that the agent is there; the agent answers with a {@code heartbeat}.
 *
 * @param type always {@value #TYPE}
 * @param sentAt Nexus's clock when sent, epoch milliseconds
 */
public record Ping(String type, long sentAt) implements ServerFrame {

	/** The wire name. */
	public static final String TYPE = "ping";

	public Ping(long sentAt) {
		this(TYPE, sentAt);
	}

}
