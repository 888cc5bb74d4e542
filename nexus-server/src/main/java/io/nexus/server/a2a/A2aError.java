package io.nexus.server.a2a;

import java.util.Map;

import io.nexus.server.shared.NexusException;

/**
 * An A2A error, answered as a JSON-RPC error object with its code, or over HTTP+JSON as a
 * {@code google.rpc.Status} ({@link A2aRestErrors}; docs/interop.md).
 */
class A2aError extends RuntimeException {

	static final int PARSE_ERROR = -32700;

	static final int INVALID_REQUEST = -32600;

	static final int METHOD_NOT_FOUND = -32601;

	static final int INVALID_PARAMS = -32602;

	static final int INTERNAL_ERROR = -32603;

	static final int TASK_NOT_FOUND = -32001;

	static final int TASK_NOT_CANCELABLE = -32002;

	static final int PUSH_NOTIFICATION_NOT_SUPPORTED = -32003;

	static final int UNSUPPORTED_OPERATION = -32004;

	static final int EXTENDED_CARD_NOT_CONFIGURED = -32007;

	static final int VERSION_NOT_SUPPORTED = -32009;

	private final int code;

	private final Map<String, Object> data;

	A2aError(int code, String message) {
		this(code, message, Map.of());
	}

	A2aError(int code, String message, Map<String, Object> data) {
		super(message);
		this.code = code;
		this.data = Map.copyOf(data);
	}

	int code() {
		return this.code;
	}

	Map<String, Object> data() {
		return this.data;
	}

	static A2aError invalidParams(String message) {
		return new A2aError(INVALID_PARAMS, message);
	}

	static A2aError taskNotFound(String id) {
		return new A2aError(TASK_NOT_FOUND, "Task not found: " + id, Map.of("taskId", id));
	}

	static A2aError pushNotificationNotSupported() {
		return new A2aError(PUSH_NOTIFICATION_NOT_SUPPORTED,
				"Push notifications are not supported by this server (yet); use SubscribeToTask");
	}

	/**
	 * The A2A error of a Nexus error that a method let through.
	 * @param ex the Nexus error
	 * @return invalid params for a bad request, task not found for a missing one
	 */
	static A2aError of(NexusException ex) {
		return switch (ex.kind()) {
			case BAD_REQUEST, UNPROCESSABLE, CONFLICT -> new A2aError(INVALID_PARAMS, ex.getMessage());
			case NOT_FOUND -> new A2aError(TASK_NOT_FOUND, ex.getMessage());
			default -> new A2aError(INTERNAL_ERROR, ex.getMessage());
		};
	}

}
