package io.nexus.server.security;

import java.util.List;

import io.nexus.server.agents.AgentId;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An agent calling the REST API with its own token ({@code nxa_...}). It has the single
 * authority {@code ROLE_AGENT} and may act only on itself and on tasks leased to it.
 */
public final class AgentAuthentication extends AbstractAuthenticationToken {

	/** The authority of agent principals. */
	public static final String AUTHORITY = "ROLE_AGENT";

	private final AgentId agentId;

	AgentAuthentication(AgentId agentId) {
		super(List.of(new SimpleGrantedAuthority(AUTHORITY)));
		this.agentId = agentId;
		setAuthenticated(true);
	}

	public AgentId agentId() {
		return this.agentId;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return this.agentId;
	}

	@Override
	public String getName() {
		return "agent:" + this.agentId.value();
	}

}
