package io.nexus.server.tasks.web;

import io.nexus.protocol.frames.InputRequest;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/tasks/{id}/input}.
 *
 * @param requestId the question answered; if given, it must be the open one
 * @param answer the answer: any JSON value (at most 64 KiB as JSON) that fits the
 * question's schema
 */
record AnswerInputRequest(@Nullable @Size(min = 1, max = InputRequest.MAX_REQUEST_ID) String requestId,
		@NotNull JsonNode answer) {

}
