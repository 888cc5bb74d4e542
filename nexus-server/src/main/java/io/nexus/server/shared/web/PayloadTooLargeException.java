package io.nexus.server.shared.web;

import java.io.IOException;

/**
 * Thrown by the body reader when a request body grows past the limit while it is read
 * (bodies without a {@code Content-Length}).
 */
class PayloadTooLargeException extends IOException {

	private final long limit;

	PayloadTooLargeException(long limit) {
		super("Request body exceeds " + limit + " bytes");
		this.limit = limit;
	}

	static boolean isCause(Throwable ex) {
		return limitOf(ex) >= 0;
	}

	static long limitOf(Throwable ex) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (current instanceof PayloadTooLargeException tooLarge) {
				return tooLarge.limit;
			}
		}
		return -1;
	}

}
