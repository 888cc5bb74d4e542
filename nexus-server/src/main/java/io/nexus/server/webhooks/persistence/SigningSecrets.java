package io.nexus.server.webhooks.persistence;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The secrets of a subscription, decrypted.
 *
 * @param current the secret that signs
 * @param previous the secret before the last rotation, if any
 * @param previousExpiresAt until when {@code previous} still signs
 */
public record SigningSecrets(String current, @Nullable String previous, @Nullable Instant previousExpiresAt) {

	/**
	 * The secrets that sign at a time: the current one, and the previous one during the
	 * overlap of a rotation.
	 * @param now the time
	 * @return the secrets, the current one first
	 */
	public List<String> validAt(Instant now) {
		if (this.previous != null && this.previousExpiresAt != null && now.isBefore(this.previousExpiresAt)) {
			return List.of(this.current, this.previous);
		}
		return List.of(this.current);
	}

}
