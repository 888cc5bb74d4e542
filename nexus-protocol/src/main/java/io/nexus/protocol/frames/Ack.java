package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * Nexus applied (durably) the frame with the given id.
 *
 * @param type always {@value #TYPE}
 * @param id the id of the frame acknowledged
 * @param taskId the task concerned, if any
 */
public record Ack(String type, @Nullable String id, @Nullable String taskId) implements ServerFrame {

	/** The wire name. */
	public static final String TYPE = "ack";

	public Ack(@Nullable String id, @Nullable String taskId) {
		this(TYPE, id, taskId);
	}

}
