package io.nexus.server.dashboard;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseCookie;

/**
 * Carries a new agent token from the form that issued it to the page that shows it once,
 * without the token ever resting in the (database-stored) browser session: the session's
 * flash holds the token sealed with AES-GCM under a one-time key, and the key travels in
 * a short-lived cookie scoped to the agent's page. Neither the session row nor the cookie
 * alone reveals the token; the page opens it and clears the cookie.
 */
final class TokenReveal {

	static final String COOKIE = "NEXUS_TOKEN_REVEAL";

	static final String FLASH = "sealedToken";

	private static final Duration LIFETIME = Duration.ofMinutes(2);

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final int NONCE_BYTES = 12;

	private TokenReveal() {
	}

	/**
	 * Seals a token for the agent's page and sets the cookie with its key.
	 * @param agentId the agent whose page will show it
	 * @param token the token
	 * @param request the form's request (whether it came over TLS)
	 * @param response where the cookie goes
	 * @return what the flash may hold
	 */
	static Sealed seal(String agentId, String token, HttpServletRequest request, HttpServletResponse response) {
		byte[] key = new byte[32];
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(key);
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, agentId);
			byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
			byte[] envelope = new byte[NONCE_BYTES + sealed.length];
			System.arraycopy(nonce, 0, envelope, 0, NONCE_BYTES);
			System.arraycopy(sealed, 0, envelope, NONCE_BYTES, sealed.length);
			response.addHeader("Set-Cookie",
					cookie(agentId, Base64.getUrlEncoder().withoutPadding().encodeToString(key), LIFETIME, request)
						.toString());
			return new Sealed(agentId, Base64.getEncoder().encodeToString(envelope));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	/**
	 * Opens a sealed token on the agent's page and clears the cookie.
	 * @param sealed what the flash held, if anything
	 * @param agentId the page's agent
	 * @param request the page's request, with the cookie
	 * @param response where the cookie is cleared
	 * @return the token, if the flash and the cookie belong together
	 */
	static Optional<String> open(@Nullable Sealed sealed, String agentId, HttpServletRequest request,
			HttpServletResponse response) {
		if (sealed == null || !sealed.agentId().equals(agentId)) {
			return Optional.empty();
		}
		response.addHeader("Set-Cookie", cookie(agentId, "", Duration.ZERO, request).toString());
		response.setHeader("Cache-Control", "no-store");
		String key = cookieValue(request);
		if (key == null) {
			return Optional.empty();
		}
		try {
			byte[] envelope = Base64.getDecoder().decode(sealed.envelope());
			byte[] nonce = new byte[NONCE_BYTES];
			System.arraycopy(envelope, 0, nonce, 0, NONCE_BYTES);
			Cipher cipher = cipher(Cipher.DECRYPT_MODE, Base64.getUrlDecoder().decode(key), nonce, agentId);
			byte[] token = cipher.doFinal(envelope, NONCE_BYTES, envelope.length - NONCE_BYTES);
			return Optional.of(new String(token, StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private static Cipher cipher(int mode, byte[] key, byte[] nonce, String agentId) throws GeneralSecurityException {
		Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
		cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
		cipher.updateAAD(("nexus-agent-token|" + agentId).getBytes(StandardCharsets.UTF_8));
		return cipher;
	}

	private static ResponseCookie cookie(String agentId, String value, Duration maxAge, HttpServletRequest request) {
		return ResponseCookie.from(COOKIE, value)
			.path("/agents/" + agentId)
			.httpOnly(true)
			.secure(request.isSecure())
			.sameSite("Strict")
			.maxAge(maxAge)
			.build();
	}

	private static @Nullable String cookieValue(HttpServletRequest request) {
		if (request.getCookies() == null) {
			return null;
		}
		for (jakarta.servlet.http.Cookie cookie : request.getCookies()) {
			if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
				return cookie.getValue();
			}
		}
		return null;
	}

	/**
	 * A token sealed for one agent's page.
	 *
	 * @param agentId the agent
	 * @param envelope base64 of nonce, ciphertext and tag
	 */
	record Sealed(String agentId, String envelope) implements Serializable {
	}

}
