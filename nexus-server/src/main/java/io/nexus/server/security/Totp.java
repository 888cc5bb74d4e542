package io.nexus.server.security;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HmacSHA1, 30 s steps) and
 * the base32 (RFC 4648) encoding their secrets travel in.
 */
final class Totp {

	static final int STEP_SECONDS = 30;

	static final int DIGITS = 6;

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

	private static final int[] POWERS = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000 };

	private static final SecureRandom RANDOM = new SecureRandom();

	private Totp() {
	}

	/**
	 * A new random secret of 160 bits (the HmacSHA1 key size RFC 4226 recommends).
	 * @return the secret, base32 without padding
	 */
	static String newSecret() {
		byte[] key = new byte[20];
		RANDOM.nextBytes(key);
		return base32Encode(key);
	}

	static long step(long epochSeconds) {
		return Math.floorDiv(epochSeconds, STEP_SECONDS);
	}

	/**
	 * The HOTP value of a key at a counter (RFC 4226 section 5.3).
	 * @param key the raw key
	 * @param counter the time step
	 * @param digits how many digits (6 to 8)
	 * @return the code, zero-padded
	 */
	static String code(byte[] key, long counter, int digits) {
		try {
			Mac mac = Mac.getInstance("HmacSHA1");
			mac.init(new SecretKeySpec(key, "HmacSHA1"));
			byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
			int offset = hash[hash.length - 1] & 0x0f;
			int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
					| ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
			String value = Integer.toString(binary % POWERS[digits]);
			return "0".repeat(digits - value.length()) + value;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA1 is missing from this JVM", ex);
		}
	}

	/**
	 * Finds the time step, within one step either side of now, whose code matches.
	 * @param secret the base32 secret
	 * @param code what the user typed
	 * @param epochSeconds now
	 * @return the matching step, or -1
	 */
	static long matchingStep(String secret, String code, long epochSeconds) {
		if (code.length() != DIGITS || !code.chars().allMatch(Character::isDigit)) {
			return -1;
		}
		byte[] key = base32Decode(secret);
		long now = step(epochSeconds);
		long found = -1;
		for (long candidate = now - 1; candidate <= now + 1; candidate++) {
			byte[] expected = code(key, candidate, DIGITS).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
			if (MessageDigest.isEqual(expected, code.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
				found = candidate;
			}
		}
		return found;
	}

	static String base32Encode(byte[] data) {
		StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
		int buffer = 0;
		int bits = 0;
		for (byte b : data) {
			buffer = (buffer << 8) | (b & 0xff);
			bits += 8;
			while (bits >= 5) {
				out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 0x1f));
				bits -= 5;
			}
		}
		if (bits > 0) {
			out.append(ALPHABET.charAt((buffer << (5 - bits)) & 0x1f));
		}
		return out.toString();
	}

	static byte[] base32Decode(String text) {
		String clean = text.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
		ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
		int buffer = 0;
		int bits = 0;
		for (int i = 0; i < clean.length(); i++) {
			int value = ALPHABET.indexOf(clean.charAt(i));
			if (value < 0) {
				throw new IllegalArgumentException("not base32");
			}
			buffer = (buffer << 5) | value;
			bits += 5;
			if (bits >= 8) {
				out.put((byte) (buffer >> (bits - 8)));
				bits -= 8;
			}
		}
		return out.array();
	}

}
