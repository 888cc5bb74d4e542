package io.nexus.server.dispatch;

import java.util.Map;

import io.nexus.protocol.frames.Frame;
import io.nexus.server.shared.NexusException;

/**
 * The agent speaks a protocol version this server does not.
 */
public class UnsupportedProtocolException extends NexusException {

	public UnsupportedProtocolException(int version) {
		super(Kind.BAD_REQUEST, "unsupported_protocol", "protocol version " + version + " is not supported; this "
				+ "server speaks version " + Frame.PROTOCOL_VERSION, Map.of("protocol_version", version));
	}

}
