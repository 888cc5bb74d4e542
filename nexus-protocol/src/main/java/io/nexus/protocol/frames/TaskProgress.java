package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * How far a running task has got.
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param taskId the task
 * @param leaseEpoch the lease epoch
 * @param progress percent done, 0 to 100
 * @param message a short note
 */
public record TaskProgress(String type, @Nullable String id, String taskId, long leaseEpoch, @Nullable Double progress,
		@Nullable String message) implements AgentFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "task_progress";

}
