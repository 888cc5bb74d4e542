package io.nexus.server.shared;

import java.util.Map;

/**
 * A failure with a stable code (the tail of the problem type URN) and a kind; it knows
 * nothing of HTTP. Most are caused by the caller, who can correct them; the kinds
 * {@link Kind#UNAVAILABLE} and {@link Kind#SERVER_FAULT} are the server's own, for an
 * operator to fix.
 */
public abstract class NexusException extends RuntimeException {

	/** What sort of failure this is; the HTTP edge maps it to a status. */
	public enum Kind {

		/** The request is malformed. */
		BAD_REQUEST,
		/** The thing named does not exist. */
		NOT_FOUND,
		/** The caller may not do this to this thing (a rule of the thing, not a role). */
		FORBIDDEN,
		/** The thing exists but its current state forbids the change. */
		CONFLICT,
		/** The request is well-formed but makes no sense. */
		UNPROCESSABLE,
		/**
		 * The server cannot answer until an operator fixes its configuration (such as a
		 * missing encryption key).
		 */
		UNAVAILABLE,
		/** The server found its own stored data damaged (such as a forged ciphertext). */
		SERVER_FAULT

	}

	private final Kind kind;

	private final String code;

	private final Map<String, Object> properties;

	protected NexusException(Kind kind, String code, String message, Map<String, Object> properties) {
		super(message);
		this.kind = kind;
		this.code = code;
		this.properties = Map.copyOf(properties);
	}

	public Kind kind() {
		return this.kind;
	}

	public String code() {
		return this.code;
	}

	/**
	 * Extra facts for the caller, such as the id that was not found.
	 * @return the properties, never {@code null}
	 */
	public Map<String, Object> properties() {
		return this.properties;
	}

}
