package io.nexus.server.security;

import org.springframework.security.core.AuthenticationException;

/**
 * A refresh token that is unknown, used, expired, or whose session or user is gone.
 */
public class InvalidRefreshTokenException extends AuthenticationException {

	InvalidRefreshTokenException() {
		super("invalid refresh token");
	}

}
