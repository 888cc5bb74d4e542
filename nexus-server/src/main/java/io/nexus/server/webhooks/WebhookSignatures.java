package io.nexus.server.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.nexus.server.shared.InvalidRequestException;

/**
 * Signing per the Standard Webhooks convention: secrets are {@code whsec_} and the base64
 * of 24 to 64 random bytes; the signature of a message is
 * {@code v1,<base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))>}, and during a
 * rotation's overlap the header carries one signature per valid secret, separated by
 * spaces.
 */
public final class WebhookSignatures {

	/** The start of every secret. */
	public static final String SECRET_PREFIX = "whsec_";

	private static final SecureRandom RANDOM = new SecureRandom();

	private WebhookSignatures() {
	}

	/**
	 * A new secret of 32 random bytes.
	 * @return {@code whsec_} and 44 characters of base64
	 */
	public static String newSecret() {
		byte[] key = new byte[32];
		RANDOM.nextBytes(key);
		return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
	}

	/**
	 * Checks a secret given by an admin.
	 * @param secret the secret
	 * @throws InvalidRequestException (422, naming the field {@code secret}) unless it is
	 * {@code whsec_} and the base64 of 24 to 64 bytes
	 */
	static void validate(String secret) {
		byte[] key = null;
		if (secret.startsWith(SECRET_PREFIX) && secret.length() <= 100) {
			try {
				key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
			}
			catch (IllegalArgumentException ex) {
				key = null;
			}
		}
		if (key == null || key.length < 24 || key.length > 64) {
			throw InvalidRequestException.unprocessable("webhook_secret_invalid",
					"secret: must be whsec_ followed by the base64 of 24 to 64 random bytes",
					Map.of("field", "secret"));
		}
	}

	/**
	 * Signs a message with each of the secrets.
	 * @param secrets the valid secrets, the current one first
	 * @param messageId the {@code webhook-id}
	 * @param timestamp the {@code webhook-timestamp}, seconds since the epoch
	 * @param body the exact body
	 * @return the {@code webhook-signature} header
	 */
	public static String sign(List<String> secrets, String messageId, long timestamp, String body) {
		String content = messageId + "." + timestamp + "." + body;
		return secrets.stream().map((secret) -> "v1," + hmac(secret, content)).collect(Collectors.joining(" "));
	}

	private static String hmac(String secret, String content) {
		byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

}
