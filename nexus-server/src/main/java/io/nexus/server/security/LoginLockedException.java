package io.nexus.server.security;

import java.time.Duration;

import org.springframework.security.core.AuthenticationException;

/**
 * Too many failed logins for a user name or from an address; try again later.
 */
public class LoginLockedException extends AuthenticationException {

	private final Duration retryAfter;

	LoginLockedException(Duration retryAfter) {
		super("too many failed logins; try again later");
		this.retryAfter = retryAfter;
	}

	public Duration retryAfter() {
		return this.retryAfter;
	}

}
