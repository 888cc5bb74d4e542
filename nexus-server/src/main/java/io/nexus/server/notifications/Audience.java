package io.nexus.server.notifications;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Who sees a notification: everyone holding one of the roles, and the named users, but
 * never {@code exceptUser} (a task's creator, who may not approve it).
 *
 * @param roles roles as on the wire ({@code viewer}, {@code operator}, {@code admin})
 * @param users user names
 * @param exceptUser who does not see it although a role includes them, or {@code null}
 */
public record Audience(List<String> roles, List<String> users, @Nullable String exceptUser) {

	/** Operators and admins: the people who can act on the fleet. */
	public static final Audience OPERATORS = new Audience(List.of("operator", "admin"), List.of(), null);

	public Audience {
		roles = List.copyOf(roles);
		users = List.copyOf(users);
	}

}
