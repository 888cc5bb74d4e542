package io.nexus.server.encryption;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.ConflictException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The state of encryption at rest across every encrypted column, and the re-encryption of
 * stored values with the active key after a rotation.
 */
@Service
public class KeyRotation {

	private static final Logger logger = LoggerFactory.getLogger(KeyRotation.class);

	private final FieldCipher cipher;

	private final List<EncryptedColumns> stores;

	private final EncryptionProperties properties;

	private final AuditLog audit;

	KeyRotation(FieldCipher cipher, List<EncryptedColumns> stores, EncryptionProperties properties, AuditLog audit) {
		this.cipher = cipher;
		this.stores = stores;
		this.properties = properties;
		this.audit = audit;
	}

	/**
	 * Counts stored values per table, column and key id.
	 * @return the status
	 */
	public EncryptionStatus status() {
		List<EncryptionStatus.ColumnKey> columns = new ArrayList<>();
		Set<String> unreadable = new LinkedHashSet<>();
		long pending = 0;
		String active = this.cipher.activeKeyId();
		for (EncryptedColumns store : this.stores) {
			for (KeyUsage usage : store.usage()) {
				columns
					.add(new EncryptionStatus.ColumnKey(store.table(), usage.column(), usage.keyId(), usage.values()));
				if (!this.cipher.canOpen(usage.keyId())) {
					unreadable.add(usage.keyId());
				}
				if (active != null && !Objects.equals(active, usage.keyId())) {
					pending += usage.values();
				}
			}
		}
		return new EncryptionStatus(this.cipher.enabled(), active, this.cipher.keyIds(), columns, pending,
				List.copyOf(unreadable));
	}

	/**
	 * Re-encrypts every value that is not under the active key, plaintext included.
	 * @return what changed and what is left
	 * @throws ConflictException if no active key is configured
	 * @throws EncryptionKeyMissingException if a value's key is not configured
	 */
	public RotationResult rotate() {
		String active = this.cipher.activeKeyId();
		if (active == null) {
			throw new ConflictException("encryption_not_configured",
					"Encryption at rest is off: set NEXUS_ENCRYPTION_KEY and restart before re-encrypting", Map.of());
		}
		Map<String, Long> counts = new LinkedHashMap<>();
		try {
			for (EncryptedColumns store : this.stores) {
				counts.put(store.table(), store.reencrypt(this.properties.rotationBatchSize()));
			}
		}
		catch (EncryptionKeyMissingException | EncryptedValueInvalidException ex) {
			this.audit.record("encryption.rotated", active, AuditLog.FAILURE, detail(counts) + "; " + ex.code());
			throw ex;
		}
		long remaining = status().valuesPending();
		this.audit.record("encryption.rotated", active, AuditLog.SUCCESS, detail(counts));
		logger.info("Re-encrypted stored values with key '{}': {}; {} value(s) left under other keys", active,
				detail(counts), remaining);
		return new RotationResult(active, counts, remaining);
	}

	private static String detail(Map<String, Long> counts) {
		List<String> parts = new ArrayList<>();
		counts.forEach((table, n) -> parts.add(table + "=" + n));
		return "re-encrypted rows: " + (parts.isEmpty() ? "none" : String.join(", ", parts));
	}

	/**
	 * The outcome of a re-encryption.
	 *
	 * @param activeKeyId the key everything was re-encrypted with
	 * @param reencrypted rows changed, per table
	 * @param remaining values still under another key or in plaintext afterwards (written
	 * meanwhile by a node with another active key, for instance)
	 */
	public record RotationResult(String activeKeyId, Map<String, Long> reencrypted, long remaining) {

	}

	/**
	 * Where encryption at rest stands.
	 *
	 * @param enabled whether new values are encrypted
	 * @param activeKeyId the key that encrypts, if any
	 * @param configuredKeyIds every key this server has, the active one first
	 * @param values stored values per table, column and key id ({@code null}: plaintext)
	 * @param valuesPending values that a rotation would re-encrypt (0 when encryption is
	 * off)
	 * @param unreadableKeyIds key ids in use that this server does not have
	 */
	public record EncryptionStatus(boolean enabled, @Nullable String activeKeyId, List<String> configuredKeyIds,
			List<ColumnKey> values, long valuesPending, List<String> unreadableKeyIds) {

		/**
		 * How many values of a column are stored under a key id.
		 *
		 * @param table the table
		 * @param column the column
		 * @param keyId the key id, {@code null} for plaintext
		 * @param count how many
		 */
		public record ColumnKey(String table, String column, @Nullable String keyId, long count) {

		}

	}

}
