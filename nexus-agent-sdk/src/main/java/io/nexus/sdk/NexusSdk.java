package io.nexus.sdk;

/**
 * Facts about this SDK that an agent may want to report.
 */
public final class NexusSdk {

	/** The protocol version this SDK speaks. */
	public static final int PROTOCOL_VERSION = 1;

	private NexusSdk() {
	}

}
