package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * A task failed on the agent.
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param taskId the task
 * @param leaseEpoch the lease epoch
 * @param error what went wrong
 * @param retryable whether another attempt may succeed (default true)
 * @param usage what the agent spent since its previous report on the task, if it says
 */
public record TaskFail(String type, @Nullable String id, String taskId, long leaseEpoch, @Nullable String error,
		@Nullable Boolean retryable, @Nullable UsageReport usage) implements AgentFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "task_fail";

	/**
	 * The frame without a usage report.
	 */
	public TaskFail(String type, @Nullable String id, String taskId, long leaseEpoch, @Nullable String error,
			@Nullable Boolean retryable) {
		this(type, id, taskId, leaseEpoch, error, retryable, null);
	}

}
