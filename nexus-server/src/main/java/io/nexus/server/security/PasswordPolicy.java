package io.nexus.server.security;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import io.nexus.server.shared.InvalidRequestException;

/**
 * The password policy: 12 to 128 characters and at most 72 bytes in UTF-8, and not the
 * user name (in any case). Length beats composition rules (NIST SP 800-63B); bcrypt keeps
 * only 72 bytes (and Spring Security refuses more), so the maximum stays close to that.
 */
final class PasswordPolicy {

	static final int MIN_LENGTH = 12;

	static final int MAX_LENGTH = 128;

	static final int MAX_BYTES = 72;

	private PasswordPolicy() {
	}

	static void check(String username, String password) {
		int length = password.codePointCount(0, password.length());
		if (length < MIN_LENGTH || length > MAX_LENGTH) {
			throw weak("The password must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long");
		}
		if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
			throw weak("The password must be at most " + MAX_BYTES
					+ " bytes in UTF-8 (bcrypt keeps no more): fewer characters outside ASCII");
		}
		if (password.strip().toLowerCase(Locale.ROOT).equals(username.toLowerCase(Locale.ROOT))) {
			throw weak("The password must not be the user name");
		}
	}

	private static InvalidRequestException weak(String message) {
		return InvalidRequestException.unprocessable("weak_password", message, Map.of("field", "password"));
	}

}
