package io.nexus.cli;

import org.jspecify.annotations.Nullable;

/**
 * How {@code nexusctl} proves who it is: a bearer token, or a user name and password that
 * it exchanges for one at {@code POST /api/auth/login}. A token wins when both are given.
 *
 * @param token an access token ({@code --token} or {@code NEXUS_TOKEN})
 * @param user a user name ({@code --user} or {@code NEXUS_USER})
 * @param password the user's password ({@code NEXUS_PASSWORD})
 */
record Credentials(@Nullable String token, @Nullable String user, @Nullable String password) {

	boolean present() {
		return this.token != null || (this.user != null && this.password != null);
	}

	@Override
	public String toString() {
		return "Credentials[user=" + this.user + ", token=" + (this.token != null ? "<redacted>" : null) + "]";
	}

}
