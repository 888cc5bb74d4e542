package io.nexus.server.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import org.springframework.security.core.GrantedAuthority;

/**
 * What a user may do. {@code viewer} reads; {@code operator} also creates, assigns and
 * cancels tasks and manages agents; {@code admin} also manages users.
 */
public enum Role {

	/** Read-only access. */
	VIEWER,
	/** Runs the fleet: tasks and agents. */
	OPERATOR,
	/** Everything, including users. */
	ADMIN;

	/**
	 * The Spring Security authority of this role.
	 * @return {@code ROLE_ADMIN} and so on
	 */
	public String authority() {
		return "ROLE_" + name();
	}

	/**
	 * The role that a caller's authorities grant: the first that is a role's
	 * {@link #authority()}.
	 * @param authorities the caller's authorities
	 * @return the role, or empty for a caller without one (an agent, an enrolment token)
	 */
	public static Optional<Role> of(Collection<? extends GrantedAuthority> authorities) {
		return authorities.stream()
			.map(GrantedAuthority::getAuthority)
			.flatMap((authority) -> Arrays.stream(values()).filter((role) -> role.authority().equals(authority)))
			.findFirst();
	}

	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	@JsonCreator
	public static Role fromWireName(String value) {
		return Arrays.stream(values())
			.filter((role) -> role.wireName().equals(value))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(
					"Unknown role '" + value + "'; expected one of viewer, operator, admin"));
	}

}
