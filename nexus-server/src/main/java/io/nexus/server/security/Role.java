package io.nexus.server.security;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

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
