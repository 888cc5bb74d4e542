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
 * @param usage what the agent spent since its previous report on the task, if it says
 */
public record TaskProgress(String type, @Nullable String id, String taskId, long leaseEpoch, @Nullable Double progress,
		@Nullable String message, @Nullable UsageReport usage) implements AgentFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "task_progress";

	/**
	 * The frame without a usage report.
	 */
	public TaskProgress(String type, @Nullable String id, String taskId, long leaseEpoch, @Nullable Double progress,
			@Nullable String message) {
		this(type, id, taskId, leaseEpoch, progress, message, null);
	}

}
