package io.nexus.server.shared;

import java.util.Map;

/**
 * The current state of a resource forbids the change.
 */
public class ConflictException extends NexusException {

	public ConflictException(String code, String message, Map<String, Object> properties) {
		super(Kind.CONFLICT, code, message, properties);
	}

	public ConflictException(String code, String message) {
		this(code, message, Map.of());
	}

}
