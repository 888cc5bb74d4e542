package io.nexus.sdk;

import io.nexus.protocol.frames.Frame;

/**
 * Facts about this SDK that an agent may want to report.
 */
public final class NexusSdk {

	/** The protocol version this SDK speaks. */
	public static final int PROTOCOL_VERSION = Frame.PROTOCOL_VERSION;

	private NexusSdk() {
	}

}
