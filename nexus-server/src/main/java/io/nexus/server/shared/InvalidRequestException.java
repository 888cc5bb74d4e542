package io.nexus.server.shared;

import java.util.Map;

/**
 * A request that is malformed ({@link Kind#BAD_REQUEST}) or makes no sense
 * ({@link Kind#UNPROCESSABLE}).
 */
public class InvalidRequestException extends NexusException {

	private InvalidRequestException(Kind kind, String code, String message, Map<String, Object> properties) {
		super(kind, code, message, properties);
	}

	public static InvalidRequestException badRequest(String code, String message) {
		return new InvalidRequestException(Kind.BAD_REQUEST, code, message, Map.of());
	}

	public static InvalidRequestException unprocessable(String code, String message, Map<String, Object> properties) {
		return new InvalidRequestException(Kind.UNPROCESSABLE, code, message, properties);
	}

}
