package io.nexus.server.shared;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one digest Nexus uses: for stored secrets (random tokens, so a fast hash
 * is right), idempotency fingerprints, the audit chain and key ids.
 */
public final class Hashing {

	private Hashing() {
	}

	/**
	 * The SHA-256 of a text's UTF-8 bytes.
	 * @param text the text
	 * @return 64 lower-case hex digits
	 */
	public static String sha256Hex(String text) {
		return HexFormat.of().formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * The SHA-256 of some bytes, taken in order as one input.
	 * @param parts the input
	 * @return the 32-byte digest
	 */
	public static byte[] sha256(byte[]... parts) {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
		for (byte[] part : parts) {
			digest.update(part);
		}
		return digest.digest();
	}

}
