package io.nexus.server.shared;

import java.security.SecureRandom;

/**
 * Makes prefixed, time-ordered ids such as {@code task_01jd3k...}: 48 bits of
 * milliseconds then 80 random bits, in lower-case Crockford base32, so that new rows land
 * at the end of an index and ids sort by creation time.
 */
public final class Ids {

	private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	private Ids() {
	}

	/**
	 * A new id.
	 * @param prefix the kind of thing, such as {@code task}
	 * @return {@code prefix_} followed by 26 characters
	 */
	public static String next(String prefix) {
		char[] out = new char[26];
		long time = System.currentTimeMillis();
		for (int i = 9; i >= 0; i--) {
			out[i] = ALPHABET[(int) (time & 31)];
			time >>>= 5;
		}
		byte[] random = new byte[10];
		RANDOM.nextBytes(random);
		long high = 0;
		for (int i = 0; i < 5; i++) {
			high = (high << 8) | (random[i] & 0xff);
		}
		long low = 0;
		for (int i = 5; i < 10; i++) {
			low = (low << 8) | (random[i] & 0xff);
		}
		for (int i = 17; i >= 10; i--) {
			out[i] = ALPHABET[(int) (high & 31)];
			high >>>= 5;
		}
		for (int i = 25; i >= 18; i--) {
			out[i] = ALPHABET[(int) (low & 31)];
			low >>>= 5;
		}
		return prefix + "_" + new String(out);
	}

}
