package io.nexus.server.agents;

import io.nexus.protocol.AgentStatus;
import org.jspecify.annotations.Nullable;

/**
 * Filters for listing agents; {@code null} means any.
 *
 * @param status only agents in this status
 * @param capability only agents with this capability
 * @param online only agents that are (or are not) connected
 */
public record AgentQuery(@Nullable AgentStatus status, @Nullable String capability, @Nullable Boolean online) {

}
