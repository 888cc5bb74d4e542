package io.nexus.server.shared;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random opaque secrets (agent tokens, enrollment keys, refresh tokens, API keys): 256
 * random bits behind a prefix that says what they are. They are stored only as
 * {@link Hashing#sha256Hex SHA-256} hashes; a fast hash is right because the secrets are
 * random, not guessable passwords.
 */
public final class Secrets {

	private static final SecureRandom RANDOM = new SecureRandom();

	private Secrets() {
	}

	/**
	 * A new secret.
	 * @param prefix what kind of secret it is, such as {@code nxa_}
	 * @return the prefix and 43 characters of URL-safe base64
	 */
	public static String newToken(String prefix) {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
