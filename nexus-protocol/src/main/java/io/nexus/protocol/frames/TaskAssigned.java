package io.nexus.protocol.frames;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A task for the agent. It must answer with {@code task_accept} within the ack timeout,
 * then {@code task_complete} or {@code task_fail}, each carrying {@code lease_epoch}.
 *
 * @param type always {@value #TYPE}
 * @param taskId the task
 * @param leaseEpoch the fencing number of this assignment
 * @param attempt which attempt this is, from 1
 * @param title the title
 * @param description the description
 * @param priority low, medium, high or critical
 * @param category the category
 * @param requiredCapabilities what the task needs
 * @param payload free-form JSON input
 * @param timeoutSeconds how long this attempt may run
 * @param traceparent W3C trace context to continue, if any
 */
public record TaskAssigned(String type, String taskId, long leaseEpoch, int attempt, String title,
		@Nullable String description, String priority, @Nullable String category, List<String> requiredCapabilities,
		@Nullable Object payload, int timeoutSeconds,
		@Nullable String traceparent) implements ServerFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "task_assigned";

}
