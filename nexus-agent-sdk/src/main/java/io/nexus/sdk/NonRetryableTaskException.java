package io.nexus.sdk;

/**
 * Thrown by a {@link TaskHandler} for a failure that another attempt cannot fix (bad
 * input, for instance): the task is reported with {@code retryable: false}.
 */
public class NonRetryableTaskException extends Exception {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what went wrong, sent to Nexus as the task's error
	 */
	public NonRetryableTaskException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a cause.
	 * @param message what went wrong, sent to Nexus as the task's error
	 * @param cause the cause
	 */
	public NonRetryableTaskException(String message, Throwable cause) {
		super(message, cause);
	}

}
