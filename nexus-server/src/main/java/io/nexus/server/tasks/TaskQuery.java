package io.nexus.server.tasks;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import org.jspecify.annotations.Nullable;

/**
 * Filters for listing tasks; {@code null} means any.
 *
 * @param status only tasks in this status
 * @param priority only tasks of this priority
 * @param category only tasks of this category
 * @param assignedAgent only tasks held by this agent
 */
public record TaskQuery(@Nullable TaskStatus status, @Nullable TaskPriority priority, @Nullable String category,
		@Nullable AgentId assignedAgent) {

}
