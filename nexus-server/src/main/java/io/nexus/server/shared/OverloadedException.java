package io.nexus.server.shared;

import java.util.Map;

/**
 * The server has more work queued than it accepts; the caller should send the same
 * request again after {@link #retryAfterSeconds()} (HTTP 503 with {@code Retry-After}).
 * Nothing of the refused request was written.
 */
public class OverloadedException extends NexusException {

	private final int retryAfterSeconds;

	public OverloadedException(String message, int retryAfterSeconds) {
		super(Kind.UNAVAILABLE, "overloaded", message, Map.of("retry_after_seconds", retryAfterSeconds));
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public int retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
