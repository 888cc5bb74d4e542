package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * The agent reports its operational status ({@code active}, {@code idle}, {@code busy},
 * {@code maintenance}, {@code error}).
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param status the status
 */
public record StatusUpdate(String type, @Nullable String id, String status) implements AgentFrame {

	/** The wire name. */
	public static final String TYPE = "status_update";

}
