package io.nexus.server.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Encrypts and decrypts single column values with AES-256-GCM. Each value gets a fresh
 * random 96-bit nonce and is stored as {@code nxenc:v1:<base64(nonce | ciphertext |
 * tag)>}; the id of the key is stored beside it in a column of its own. The associated
 * data binds the key id, the column and the row id, so a value copied into another column
 * or row, or relabelled with another key id, fails to decrypt instead of appearing there.
 * Without an active key, values are stored as given with no key id.
 */
@Component
public class FieldCipher {

	/** The start of every encrypted value. */
	public static final String PREFIX = "nxenc:v1:";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final Keyring keyring;

	private final SecureRandom random = new SecureRandom();

	FieldCipher(EncryptionProperties properties) {
		this.keyring = Keyring.of(properties.key(), properties.oldKeys());
	}

	/**
	 * Creates a cipher for keys given in the configuration format (for tools and tests).
	 * @param active the active key ({@code [id:]base64}), or {@code null}
	 * @param old keys that only decrypt
	 * @return the cipher
	 */
	public static FieldCipher of(@Nullable String active, List<String> old) {
		return new FieldCipher(new EncryptionProperties(active, old, 1));
	}

	/**
	 * Whether new values are encrypted.
	 * @return {@code true} when an active key is configured
	 */
	public boolean enabled() {
		return this.keyring.activeId() != null;
	}

	/**
	 * The id of the key that encrypts new values.
	 * @return the id, or {@code null} when encryption is off
	 */
	public @Nullable String activeKeyId() {
		return this.keyring.activeId();
	}

	/**
	 * The ids of every configured key, the active one first.
	 * @return the ids
	 */
	public List<String> keyIds() {
		return this.keyring.ids();
	}

	/**
	 * Whether a value stored under a key id is readable with the configured keys.
	 * @param keyId the stored key id, {@code null} for plaintext
	 * @return {@code true} if plaintext or the key is configured
	 */
	public boolean canOpen(@Nullable String keyId) {
		return keyId == null || this.keyring.find(keyId) != null;
	}

	/**
	 * Encrypts a value with the active key.
	 * @param plaintext the value, or {@code null}
	 * @param column the table and column it goes to, such as {@code tasks.payload}
	 * @param rowId the id of its row
	 * @return the value to store and its key id; the plaintext and no key id when
	 * encryption is off or the value is {@code null}
	 */
	public Sealed seal(@Nullable String plaintext, String column, String rowId) {
		String keyId = this.keyring.activeId();
		SecretKey key = this.keyring.active();
		if (plaintext == null || keyId == null || key == null) {
			return new Sealed(plaintext, null);
		}
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData(keyId, column, rowId));
			byte[] input = plaintext.getBytes(StandardCharsets.UTF_8);
			byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(input.length)];
			System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
			cipher.doFinal(input, 0, input.length, out, NONCE_BYTES);
			return new Sealed(PREFIX + Base64.getEncoder().encodeToString(out), keyId);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM encryption failed", ex);
		}
	}

	/**
	 * Decrypts a stored value.
	 * @param stored the stored value, or {@code null}
	 * @param keyId its key id; {@code null} means the value is plaintext
	 * @param column the table and column it was read from
	 * @param rowId the id of its row
	 * @return the plaintext
	 * @throws EncryptionKeyMissingException if the key id is not configured
	 * @throws EncryptedValueInvalidException if the value was altered, moved or damaged
	 */
	public @Nullable String open(@Nullable String stored, @Nullable String keyId, String column, String rowId) {
		if (stored == null || keyId == null) {
			return stored;
		}
		SecretKey key = this.keyring.find(keyId);
		if (key == null) {
			throw new EncryptionKeyMissingException(keyId, column);
		}
		byte[] bytes;
		try {
			if (!stored.startsWith(PREFIX)) {
				throw new IllegalArgumentException("no prefix");
			}
			bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			throw new EncryptedValueInvalidException(keyId, column, rowId);
		}
		if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
			throw new EncryptedValueInvalidException(keyId, column, rowId);
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
			cipher.updateAAD(associatedData(keyId, column, rowId));
			byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
			return new String(plain, StandardCharsets.UTF_8);
		}
		catch (AEADBadTagException ex) {
			throw new EncryptedValueInvalidException(keyId, column, rowId);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM decryption failed", ex);
		}
	}

	private static byte[] associatedData(String keyId, String column, String rowId) {
		return ("nexus:v1|" + keyId + "|" + column + "|" + rowId).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "FieldCipher[" + this.keyring + "]";
	}

	/**
	 * A value as it is stored.
	 *
	 * @param value the ciphertext envelope, or the plaintext when {@code keyId} is
	 * {@code null}
	 * @param keyId the id of the key that encrypted it
	 */
	public record Sealed(@Nullable String value, @Nullable String keyId) {

	}

}
