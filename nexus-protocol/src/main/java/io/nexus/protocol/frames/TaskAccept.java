package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * The agent takes an assigned task and starts it.
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param taskId the task
 * @param leaseEpoch the lease epoch from {@code task_assigned}
 */
public record TaskAccept(String type, @Nullable String id, String taskId,
		long leaseEpoch) implements AgentFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "task_accept";

}
