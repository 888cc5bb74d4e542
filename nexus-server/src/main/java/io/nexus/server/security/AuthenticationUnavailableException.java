package io.nexus.server.security;

import io.nexus.server.shared.DatabaseOutage;

import org.springframework.security.core.AuthenticationException;

/**
 * Credentials could not be checked because the database failed: the caller should retry
 * later, not fix their credentials (503, not 401).
 */
public class AuthenticationUnavailableException extends AuthenticationException {

	/** How long callers are told to wait before retrying, in seconds. */
	public static final int RETRY_AFTER_SECONDS = DatabaseOutage.RETRY_AFTER_SECONDS;

	AuthenticationUnavailableException(Throwable cause) {
		super("credentials could not be checked: the database is unavailable", cause);
	}

	/**
	 * Whether a failure was caused by data access.
	 * @param failure the failure
	 * @return whether a {@code DataAccessException} is in its cause chain, or the
	 * database was away (no transaction could be opened, see {@link DatabaseOutage})
	 */
	static boolean causedByDataAccess(Throwable failure) {
		if (DatabaseOutage.isCause(failure)) {
			return true;
		}
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
