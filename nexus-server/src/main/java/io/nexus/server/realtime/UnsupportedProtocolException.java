package io.nexus.server.realtime;

import java.util.Map;

import io.nexus.protocol.frames.Frame;
import io.nexus.server.shared.NexusException;

/**
 * The agent speaks a protocol version this server does not.
 */
class UnsupportedProtocolException extends NexusException {

	UnsupportedProtocolException(int version) {
		super(Kind.BAD_REQUEST, "unsupported_protocol", "protocol version " + version + " is not supported; this "
				+ "server speaks version " + Frame.PROTOCOL_VERSION, Map.of("protocol_version", version));
	}

}
