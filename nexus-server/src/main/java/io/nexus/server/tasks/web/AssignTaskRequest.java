package io.nexus.server.tasks.web;

import io.nexus.server.agents.AgentId;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/tasks/{id}/assign}.
 *
 * @param agentId the agent to assign the task to
 * @param force assign even if the agent lacks a required capability, takes no new work or
 * is full
 */
record AssignTaskRequest(@NotNull @Pattern(regexp = AgentId.PATTERN) String agentId, @Nullable Boolean force) {

}
