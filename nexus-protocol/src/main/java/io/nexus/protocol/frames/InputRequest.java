package io.nexus.protocol.frames;

import org.jspecify.annotations.Nullable;

/**
 * The agent asks a person for input on a running task: the task moves to
 * {@code input_required}, its timeout clock pauses, and the answer comes back as
 * {@code input_response}.
 *
 * @param type always {@value #TYPE}
 * @param id optional frame id
 * @param taskId the task
 * @param leaseEpoch the lease epoch
 * @param requestId the agent's id for this question, echoed by {@code input_response} (at
 * most {@value #MAX_REQUEST_ID} characters)
 * @param prompt what to ask the person (at most {@value #MAX_PROMPT} characters)
 * @param schema a JSON Schema the answer must fit, if any (at most {@value #MAX_SCHEMA}
 * bytes as JSON)
 * @param timeoutSeconds how long to wait for the answer, if not the server's default
 */
public record InputRequest(String type, @Nullable String id, String taskId, long leaseEpoch, String requestId,
		String prompt, @Nullable Object schema, @Nullable Integer timeoutSeconds) implements AgentFrame, LeasedFrame {

	/** The wire name. */
	public static final String TYPE = "input_request";

	/** The longest {@code request_id}. */
	public static final int MAX_REQUEST_ID = 128;

	/** The longest {@code prompt}, in characters. */
	public static final int MAX_PROMPT = 4000;

	/** The largest {@code schema}, in bytes of JSON. */
	public static final int MAX_SCHEMA = 16384;

}
