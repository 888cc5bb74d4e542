package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * Nexus refused a frame. Codes: {@code invalid_json}, {@code unknown_type},
 * {@code invalid_frame}, {@code not_registered}, {@code already_registered},
 * {@code stale_lease}, {@code unknown_task}, {@code frame_too_large},
 * {@code rate_limited}, {@code unknown_recipient}, {@code message_too_large}.
 *
 * @param type always {@value #TYPE}
 * @param id the id of the refused frame, if it had one
 * @param code a stable code
 * @param message a human explanation
 */
public record ErrorFrame(String type, @Nullable String id, String code, String message) implements ServerFrame {

	/** The wire name. */
	public static final String TYPE = "error";

	public ErrorFrame(@Nullable String id, String code, String message) {
		this(TYPE, id, code, message);
	}

}
