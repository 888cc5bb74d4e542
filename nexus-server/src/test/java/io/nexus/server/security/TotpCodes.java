package io.nexus.server.security;

import java.time.Instant;

/**
 * One-time codes for tests outside this package (browser tests read the secret off the
 * page), computed with the server's own {@link Totp}.
 */
public final class TotpCodes {

	private TotpCodes() {
	}

	/**
	 * The current time step.
	 * @return the step
	 */
	public static long currentStep() {
		return Totp.step(Instant.now().getEpochSecond());
	}

	/**
	 * The code of a secret at a time step.
	 * @param secret the base32 secret, spaces allowed
	 * @param step the step
	 * @return the six-digit code
	 */
	public static String at(String secret, long step) {
		return Totp.code(Totp.base32Decode(secret), step, Totp.DIGITS);
	}

	/**
	 * A six-digit code that matches no step near now.
	 * @param secret the base32 secret, spaces allowed
	 * @return the code
	 */
	public static String wrong(String secret) {
		return MfaIntegrationTests.wrongCode(secret.replace(" ", ""));
	}

}
