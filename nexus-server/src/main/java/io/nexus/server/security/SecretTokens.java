package io.nexus.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random opaque secrets (refresh tokens, API keys): 256 random bits behind a prefix that
 * says what they are, stored only as SHA-256 hashes. A fast hash is right because the
 * secrets are random, not guessable passwords.
 */
final class SecretTokens {

	static final String REFRESH_PREFIX = "nxr_";

	static final String API_KEY_PREFIX = "nxk_";

	static final String AGENT_PREFIX = "nxa_";

	private static final SecureRandom RANDOM = new SecureRandom();

	private SecretTokens() {
	}

	static String newToken(String prefix) {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String hash(String token) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
