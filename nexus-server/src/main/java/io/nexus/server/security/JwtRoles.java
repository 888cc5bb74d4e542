package io.nexus.server.security;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Reads the roles of an access token; names that are not a Nexus role grant nothing.
 */
final class JwtRoles {

	private static final Set<String> KNOWN = Set.of("viewer", "operator", "admin");

	private JwtRoles() {
	}

	static Collection<GrantedAuthority> authorities(Jwt jwt) {
		List<String> roles = jwt.getClaimAsStringList(AccessTokens.ROLES_CLAIM);
		if (roles == null) {
			return List.of();
		}
		return roles.stream()
			.filter(KNOWN::contains)
			.<GrantedAuthority>map((role) -> new SimpleGrantedAuthority(Role.fromWireName(role).authority()))
			.toList();
	}

}
