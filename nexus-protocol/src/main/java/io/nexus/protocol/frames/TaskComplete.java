package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * A task finished successfully.
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param taskId the task
 * @param leaseEpoch the lease epoch
 * @param result free-form JSON output
 * @param traceparent the W3C trace context of the agent's work, if any
 * @param usage what the agent spent since its previous report on the task, if it says
 */
public record TaskComplete(String type, @Nullable String id, String taskId, long leaseEpoch, @Nullable Object result,
		@Nullable String traceparent, @Nullable UsageReport usage) implements AgentFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "task_complete";

	/**
	 * The frame without a usage report.
	 */
	public TaskComplete(String type, @Nullable String id, String taskId, long leaseEpoch, @Nullable Object result,
			@Nullable String traceparent) {
		this(type, id, taskId, leaseEpoch, result, traceparent, null);
	}

}
