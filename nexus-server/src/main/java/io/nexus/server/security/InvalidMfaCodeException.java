package io.nexus.server.security;

import org.springframework.security.core.AuthenticationException;

/**
 * The one-time code (TOTP or recovery code) is wrong, expired or already used.
 */
public class InvalidMfaCodeException extends AuthenticationException {

	public InvalidMfaCodeException() {
		super("wrong, expired or already used one-time code");
	}

}
