package io.nexus.server.encryption;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Encryption at rest ({@code nexus.encryption.*}); docs/security.md explains the key
 * format and the rotation procedure.
 *
 * @param key the active key ({@code NEXUS_ENCRYPTION_KEY}): the base64 of 32 random
 * bytes, optionally named as {@code id:base64}; new and re-encrypted values use it. When
 * unset, task payloads, results and TOTP secrets are stored in plaintext
 * @param oldKeys keys in the same format that still decrypt values during a rotation
 * ({@code NEXUS_ENCRYPTION_OLD_KEYS}, comma-separated)
 * @param rotationBatchSize how many rows one transaction of a re-encryption changes
 */
@ConfigurationProperties("nexus.encryption")
@Validated
public record EncryptionProperties(@Nullable String key, @DefaultValue List<String> oldKeys,
		@DefaultValue("200") @Min(1) @Max(10_000) int rotationBatchSize) {

	@Override
	public String toString() {
		return "EncryptionProperties[key=<redacted>, oldKeys=<redacted>, rotationBatchSize=" + this.rotationBatchSize
				+ "]";
	}

}
