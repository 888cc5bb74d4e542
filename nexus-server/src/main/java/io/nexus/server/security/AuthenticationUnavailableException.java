package io.nexus.server.security;

import org.springframework.security.core.AuthenticationException;

/**
 * Credentials could not be checked because the database failed: the caller should retry
 * later, not fix their credentials (503, not 401).
 */
public class AuthenticationUnavailableException extends AuthenticationException {

	/** How long callers are told to wait before retrying, in seconds. */
	public static final int RETRY_AFTER_SECONDS = 5;

	AuthenticationUnavailableException(Throwable cause) {
		super("credentials could not be checked: the database is unavailable", cause);
	}

	/**
	 * Whether a failure was caused by data access.
	 * @param failure the failure
	 * @return whether a {@code DataAccessException} is in its cause chain
	 */
	static boolean causedByDataAccess(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof org.springframework.dao.DataAccessException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
