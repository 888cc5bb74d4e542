package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * Nexus refused a frame. Codes: {@code invalid_json}, {@code unknown_type},
 * {@code invalid_frame}, {@code not_registered}, {@code already_registered},
 * {@code stale_lease}, {@code unknown_task}, {@code frame_too_large},
 * {@code rate_limited}, {@code unknown_recipient}, {@code message_too_large},
 * {@code unavailable} (retryable), {@code internal_error}.
 *
 * @param type always {@value #TYPE}
 * @param id the id of the refused frame, if it had one
 * @param code a stable code
 * @param message a human explanation
 * @param retryable {@code true} when the frame was refused for a passing reason (the
 * database is away: code {@code unavailable}) and the agent should keep it and send it
 * again later; absent (or {@code false}) otherwise
 */
public record ErrorFrame(String type, @Nullable String id, String code, String message,
		@Nullable Boolean retryable) implements ServerFrame {

	/** The wire name. */
	public static final String TYPE = "error";

	/** The code of a frame refused because Nexus cannot store it now: send it again. */
	public static final String UNAVAILABLE = "unavailable";

	public ErrorFrame(@Nullable String id, String code, String message) {
		this(TYPE, id, code, message, null);
	}

	/**
	 * A refusal of a frame that Nexus could not handle for a passing reason.
	 * @param id the id of the refused frame
	 * @param message a human explanation
	 * @return an {@code unavailable} error with {@code retryable: true}
	 */
	public static ErrorFrame unavailable(@Nullable String id, String message) {
		return new ErrorFrame(TYPE, id, UNAVAILABLE, message, Boolean.TRUE);
	}

	/**
	 * Whether the agent should keep the refused frame and send it again.
	 * @return whether the refusal is retryable
	 */
	public boolean mayRetry() {
		return Boolean.TRUE.equals(this.retryable);
	}

}
