package io.nexus.server.security;

import org.springframework.security.core.AuthenticationException;

/**
 * The password was right but the user has multi-factor authentication on and sent no
 * code; no tokens are issued.
 */
public class MfaRequiredException extends AuthenticationException {

	MfaRequiredException() {
		super("a one-time code is required");
	}

}
