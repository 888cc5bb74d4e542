package io.nexus.server.agents;

import java.util.Map;

import io.nexus.server.shared.NotFoundException;

/**
 * No agent has the id given.
 */
public class AgentNotFoundException extends NotFoundException {

	public AgentNotFoundException(AgentId id) {
		super("agent_not_found", "No agent with id '" + id + "'", Map.of("agent_id", id.value()));
	}

}
