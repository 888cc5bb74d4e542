package io.nexus.server.shared;

import java.util.Map;

/**
 * The resource a request names does not exist.
 */
public class NotFoundException extends NexusException {

	public NotFoundException(String code, String message, Map<String, Object> properties) {
		super(Kind.NOT_FOUND, code, message, properties);
	}

}
