package io.nexus.server.security;

import io.nexus.server.security.AccessTokens.IssuedToken;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.AuthenticationException;

/**
 * The password was right, but the user is an admin without multi-factor authentication
 * while login enforces it: no session is opened. A login gets an enrolment token, good
 * only for {@code POST /api/auth/mfa/setup} and {@code /confirm}; a refresh gets none.
 */
public class MfaEnrolmentRequiredException extends AuthenticationException {

	private final transient @Nullable IssuedToken enrolmentToken;

	private final @Nullable String username;

	MfaEnrolmentRequiredException(@Nullable IssuedToken enrolmentToken) {
		this(enrolmentToken, null);
	}

	MfaEnrolmentRequiredException(@Nullable IssuedToken enrolmentToken, @Nullable String username) {
		super("multi-factor enrolment is required");
		this.enrolmentToken = enrolmentToken;
		this.username = username;
	}

	/**
	 * The enrolment token, if this came from a password login.
	 * @return the token, or {@code null}
	 */
	public @Nullable IssuedToken enrolmentToken() {
		return this.enrolmentToken;
	}

	/**
	 * The user whose password was right, if this came from a password login.
	 * @return the user name as stored, or {@code null}
	 */
	@Nullable String username() {
		return this.username;
	}

}
