package io.nexus.server.shared;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a failure caused by the database being away (no connection, a connection lost,
 * the server shutting down, a lock or query timeout) from a bug or a bad request: the
 * first is worth retrying and is answered 503 with {@code Retry-After}, WebSocket reports
 * with a retryable error.
 */
public final class DatabaseOutage {

	/** How long callers are told to wait before retrying, in seconds. */
	public static final int RETRY_AFTER_SECONDS = 5;

	/**
	 * SQL states of a database that is away: admin or crash shutdown, cannot connect now,
	 * too many connections. Class 08 (connection exception) is matched by its prefix.
	 */
	private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300", "08000", "08001",
			"08003", "08004", "08006", "08007");

	private DatabaseOutage() {
	}

	/**
	 * Whether a failure was caused by the database being unreachable or going away.
	 * @param failure the failure
	 * @return whether it is worth retrying once the database is back
	 */
	public static boolean isCause(@Nullable Throwable failure) {
		int depth = 0;
		for (Throwable cause = failure; cause != null && depth < 32; cause = cause.getCause(), depth++) {
			if (cause instanceof CannotCreateTransactionException || cause instanceof DataAccessResourceFailureException
					|| cause instanceof TransientDataAccessException || cause instanceof RecoverableDataAccessException
					|| cause instanceof SQLTransientConnectionException || cause instanceof SQLRecoverableException) {
				return true;
			}
			if (cause instanceof SQLException sql && isUnavailableState(sql.getSQLState())) {
				return true;
			}
			if (cause instanceof TransactionSystemException failed
					&& (failed.getCause() instanceof SQLException || isCause(failed.getApplicationException()))) {
				// commit or rollback failed on a connection the pool has given up on
				// ("Connection is closed", with no SQL state): the database went away
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static boolean isUnavailableState(@Nullable String state) {
		return state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state));
	}

}
