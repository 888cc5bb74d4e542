package io.nexus.server.security;

import io.nexus.server.shared.Hashing;
import io.nexus.server.shared.Secrets;

/**
 * Random opaque secrets (refresh tokens, API keys): 256 random bits behind a prefix that
 * says what they are, stored only as SHA-256 hashes. A fast hash is right because the
 * secrets are random, not guessable passwords.
 */
final class SecretTokens {

	static final String REFRESH_PREFIX = "nxr_";

	static final String API_KEY_PREFIX = "nxk_";

	static final String AGENT_PREFIX = "nxa_";

	private SecretTokens() {
	}

	static String newToken(String prefix) {
		return Secrets.newToken(prefix);
	}

	static String hash(String token) {
		return Hashing.sha256Hex(token);
	}

}
