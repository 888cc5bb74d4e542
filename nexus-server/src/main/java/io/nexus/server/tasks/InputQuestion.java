package io.nexus.server.tasks;

import java.time.Instant;

import io.nexus.server.agents.AgentId;
import org.jspecify.annotations.Nullable;

/**
 * A question an agent asked a person about a task ({@code input_request}), with its
 * answer once given.
 *
 * @param taskId the task
 * @param requestId the agent's id for the question
 * @param leaseEpoch the lease it was asked under
 * @param agentId the agent that asked
 * @param prompt what to ask
 * @param schemaJson the JSON Schema the answer must fit, as JSON text, or {@code null}
 * @param state open, answered, expired or closed
 * @param requestedAt when it was asked
 * @param expiresAt when the wait ends unanswered ({@code input_timeout})
 * @param remainingMillis what was left of the task's timeout clock when it paused
 * @param answerJson the answer, as JSON text, once given
 * @param answeredBy who answered
 * @param answeredAt when
 * @param deliveredAt when the answer was last sent to an agent; {@code null} while it
 * waits for one
 */
public record InputQuestion(TaskId taskId, String requestId, long leaseEpoch, AgentId agentId, String prompt,
		@Nullable String schemaJson, String state, Instant requestedAt, Instant expiresAt, long remainingMillis,
		@Nullable String answerJson, @Nullable String answeredBy, @Nullable Instant answeredAt,
		@Nullable Instant deliveredAt) {

	/** Waiting for a person. */
	public static final String OPEN = "open";

	/** Answered. */
	public static final String ANSWERED = "answered";

	/** Not answered within its input timeout. */
	public static final String EXPIRED = "expired";

	/** The task moved on (cancelled, failed, taken back) before an answer came. */
	public static final String CLOSED = "closed";

	/**
	 * Whether the question still waits for a person.
	 * @return {@code true} while open
	 */
	public boolean isOpen() {
		return OPEN.equals(this.state);
	}

}
