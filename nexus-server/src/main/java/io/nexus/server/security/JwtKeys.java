package io.nexus.server.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.nexus.server.security.persistence.UserRepository;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finds the HMAC key that signs access tokens: the configured secret, or else one made at
 * first start and kept in the database so that it outlives restarts and is shared by
 * nodes.
 */
final class JwtKeys {

	static final int MIN_SECRET_BYTES = 32;

	private static final String SECRET_NAME = "jwt-hmac";

	private JwtKeys() {
	}

	static SecretKey resolve(SecurityProperties properties, UserRepository store, TransactionTemplate transaction) {
		String configured = properties.jwtSecret();
		if (configured != null && !configured.isBlank()) {
			byte[] bytes = configured.getBytes(StandardCharsets.UTF_8);
			if (bytes.length < MIN_SECRET_BYTES) {
				throw new IllegalStateException("NEXUS_JWT_SECRET must be at least " + MIN_SECRET_BYTES
						+ " bytes long; generate one with: openssl rand -base64 48");
			}
			return new SecretKeySpec(bytes, "HmacSHA256");
		}
		String stored = transaction.execute((status) -> store.findSecret(SECRET_NAME).orElse(null));
		if (stored == null) {
			byte[] random = new byte[48];
			new SecureRandom().nextBytes(random);
			try {
				transaction.executeWithoutResult(
						(status) -> store.insertSecret(SECRET_NAME, Base64.getEncoder().encodeToString(random)));
			}
			catch (DuplicateKeyException ex) {
				// another node made it first; use theirs
			}
			stored = transaction.execute((status) -> store.findSecret(SECRET_NAME).orElseThrow());
		}
		return new SecretKeySpec(Base64.getDecoder().decode(stored), "HmacSHA256");
	}

}
