package io.nexus.server.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A caller with an API key ({@code nxk_...}): it acts as the key's owner with the key's
 * role, capped by the owner's current role.
 */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {

	private final ApiKey key;

	private final Role role;

	ApiKeyAuthentication(ApiKey key, Role role) {
		super(List.of(new SimpleGrantedAuthority(role.authority())));
		this.key = key;
		this.role = role;
		setAuthenticated(true);
	}

	public String keyId() {
		return this.key.id();
	}

	public Role role() {
		return this.role;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return this.key.owner();
	}

	@Override
	public String getName() {
		return this.key.owner();
	}

}
