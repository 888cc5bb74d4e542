package io.nexus.protocol.frames;

/**
 * Stop working on a task: it was cancelled, timed out or reassigned.
 *
 * @param type always {@value #TYPE}
 * @param taskId the task
 * @param leaseEpoch the lease that ends
 * @param reason why
 */
public record TaskCancel(String type, String taskId, long leaseEpoch,
		String reason) implements ServerFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "task_cancel";

	public TaskCancel(String taskId, long leaseEpoch, String reason) {
		this(TYPE, taskId, leaseEpoch, reason);
	}

}
