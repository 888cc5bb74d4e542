package io.nexus.server.tasks.web;

import java.time.Instant;

import io.nexus.server.tasks.InputQuestion;
import io.nexus.server.tasks.TaskInputs;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A question an agent asked a person about a task.
 *
 * @param taskId the task
 * @param requestId the agent's id for the question
 * @param leaseEpoch the lease it was asked under
 * @param agentId the agent that asked
 * @param prompt the question
 * @param schema the JSON Schema the answer must fit, if any
 * @param state {@code open}, {@code answered}, {@code expired} or {@code closed}
 * @param requestedAt when it was asked
 * @param expiresAt when the wait ends unanswered ({@code input_timeout})
 * @param answer the answer, once given
 * @param answeredBy who answered
 * @param answeredAt when
 * @param delivered whether the answer reached an agent
 */
record InputQuestionResponse(String taskId, String requestId, long leaseEpoch, String agentId, String prompt,
		@Nullable JsonNode schema, String state, Instant requestedAt, Instant expiresAt, @Nullable JsonNode answer,
		@Nullable String answeredBy, @Nullable Instant answeredAt, boolean delivered) {

	static InputQuestionResponse of(InputQuestion question, TaskInputs inputs) {
		return new InputQuestionResponse(question.taskId().value(), question.requestId(), question.leaseEpoch(),
				question.agentId().value(), question.prompt(),
				(question.schemaJson() != null) ? inputs.parse(question.schemaJson()) : null, question.state(),
				question.requestedAt(), question.expiresAt(),
				(question.answerJson() != null) ? inputs.parse(question.answerJson()) : null, question.answeredBy(),
				question.answeredAt(), question.deliveredAt() != null);
	}

}
