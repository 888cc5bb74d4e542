package io.nexus.server.agents;

import io.nexus.server.shared.Hashing;
import io.nexus.server.shared.Secrets;

/**
 * Agent credentials: 256 random bits, shown once, stored as a SHA-256 hash. A fast hash
 * is right here because the secret is random, not a password that could be guessed.
 */
final class AgentTokens {

	private AgentTokens() {
	}

	static String newToken() {
		return Secrets.newToken("nxa_");
	}

	static String hash(String token) {
		return Hashing.sha256Hex(token);
	}

}
