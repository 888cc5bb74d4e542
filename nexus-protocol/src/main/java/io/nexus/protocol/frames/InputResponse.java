package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * A person's answer to an {@code input_request}: the task is running again under the
 * lease named here (after a re-dispatch, the new lease, sent right after
 * {@code task_assigned}).
 *
 * @param type always {@value #TYPE}
 * @param taskId the task
 * @param leaseEpoch the lease the answer is for
 * @param requestId the {@code request_id} of the question
 * @param answer the answer, any JSON value that fits the question's schema
 */
public record InputResponse(String type, String taskId, long leaseEpoch, String requestId,
		@Nullable Object answer) implements ServerFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "input_response";

	public InputResponse(String taskId, long leaseEpoch, String requestId, @Nullable Object answer) {
		this(TYPE, taskId, leaseEpoch, requestId, answer);
	}

}
