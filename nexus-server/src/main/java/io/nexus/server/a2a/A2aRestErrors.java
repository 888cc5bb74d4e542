package io.nexus.server.a2a;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;

/**
 * A2A errors in the HTTP+JSON binding (A2A 1.0, sections 5.4 and 11.6): the HTTP status
 * of the specification's table and a {@code google.rpc.Status} body whose details hold a
 * {@code google.rpc.ErrorInfo} with the error's reason in the domain
 * {@code a2a-protocol.org}, and its data as string metadata.
 */
final class A2aRestErrors {

	static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

	static final String DOMAIN = "a2a-protocol.org";

	private A2aRestErrors() {
	}

	/**
	 * The HTTP status of an error.
	 * @param error the error
	 * @return 404 for a missing task, 413 for a body over the limit, 503 when the node
	 * has no room for another wait, else 400
	 */
	static HttpStatus status(A2aError error) {
		if (error.code() == A2aError.INVALID_REQUEST && error.data().containsKey("maxBytes")) {
			return HttpStatus.CONTENT_TOO_LARGE;
		}
		return switch (error.code()) {
			case A2aError.TASK_NOT_FOUND, A2aError.METHOD_NOT_FOUND -> HttpStatus.NOT_FOUND;
			case A2aError.INTERNAL_ERROR -> HttpStatus.SERVICE_UNAVAILABLE;
			default -> HttpStatus.BAD_REQUEST;
		};
	}

	/**
	 * The {@code google.rpc.Status} of an error, in its JSON form.
	 * @param error the error
	 * @param status the HTTP status it is sent with
	 * @param json the mapper
	 * @return {@code {"error": {"code", "status", "message", "details"}}}
	 */
	static ObjectNode body(A2aError error, HttpStatus status, JsonMapper json) {
		ObjectNode body = json.createObjectNode();
		ObjectNode inner = body.putObject("error");
		inner.put("code", status.value());
		inner.put("status", rpcStatus(error, status));
		inner.put("message", error.getMessage());
		ObjectNode info = inner.putArray("details").addObject();
		info.put("@type", ERROR_INFO);
		info.put("reason", reason(error));
		info.put("domain", DOMAIN);
		if (!error.data().isEmpty()) {
			ObjectNode metadata = info.putObject("metadata");
			error.data().forEach((key, value) -> metadata.put(key, text(value)));
		}
		return body;
	}

	/**
	 * The {@code google.rpc.Code} name of the error.
	 */
	private static String rpcStatus(A2aError error, HttpStatus status) {
		return switch (error.code()) {
			case A2aError.TASK_NOT_FOUND, A2aError.METHOD_NOT_FOUND -> "NOT_FOUND";
			case A2aError.TASK_NOT_CANCELABLE, A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED, A2aError.UNSUPPORTED_OPERATION,
					A2aError.EXTENDED_CARD_NOT_CONFIGURED, A2aError.VERSION_NOT_SUPPORTED ->
				"FAILED_PRECONDITION";
			case A2aError.INTERNAL_ERROR -> "UNAVAILABLE";
			default -> "INVALID_ARGUMENT";
		};
	}

	/**
	 * The error's type in upper snake case without "Error", as the specification names
	 * the reasons ({@code TaskNotFoundError} is {@code TASK_NOT_FOUND}).
	 */
	private static String reason(A2aError error) {
		return switch (error.code()) {
			case A2aError.PARSE_ERROR -> "JSON_PARSE";
			case A2aError.INVALID_REQUEST -> "INVALID_REQUEST";
			case A2aError.METHOD_NOT_FOUND -> "METHOD_NOT_FOUND";
			case A2aError.INTERNAL_ERROR -> "INTERNAL";
			case A2aError.TASK_NOT_FOUND -> "TASK_NOT_FOUND";
			case A2aError.TASK_NOT_CANCELABLE -> "TASK_NOT_CANCELABLE";
			case A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED -> "PUSH_NOTIFICATION_NOT_SUPPORTED";
			case A2aError.UNSUPPORTED_OPERATION -> "UNSUPPORTED_OPERATION";
			case A2aError.EXTENDED_CARD_NOT_CONFIGURED -> "EXTENDED_AGENT_CARD_NOT_CONFIGURED";
			case A2aError.VERSION_NOT_SUPPORTED -> "VERSION_NOT_SUPPORTED";
			default -> "INVALID_PARAMS";
		};
	}

	/** {@code ErrorInfo.metadata} is a map of strings: lists are joined by commas. */
	private static String text(Object value) {
		if (value instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).collect(Collectors.joining(","));
		}
		if (value instanceof Map<?, ?> map) {
			return map.toString();
		}
		return String.valueOf(value);
	}

}
