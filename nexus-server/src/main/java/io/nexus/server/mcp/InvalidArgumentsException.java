package io.nexus.server.mcp;

import java.util.List;
import java.util.Map;

/**
 * A tool's arguments that do not bind or are not valid; becomes the REST API's
 * {@code validation_failed} problem.
 */
class InvalidArgumentsException extends RuntimeException {

	private final List<Map<String, Object>> errors;

	InvalidArgumentsException(List<Map<String, Object>> errors) {
		super("The arguments have invalid fields");
		this.errors = List.copyOf(errors);
	}

	List<Map<String, Object>> errors() {
		return this.errors;
	}

}
