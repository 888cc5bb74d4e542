package io.nexus.server.encryption;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.nexus.server.shared.Hashing;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * The keys Nexus knows: the active one that encrypts, and old ones that still decrypt.
 * Parsing fails with a message that names the setting and the fix but never the key.
 */
final class Keyring {

	static final int KEY_BYTES = 32;

	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

	private final @Nullable String activeId;

	private final Map<String, SecretKey> keys;

	private Keyring(@Nullable String activeId, Map<String, SecretKey> keys) {
		this.activeId = activeId;
		this.keys = Collections.unmodifiableMap(keys);
	}

	static Keyring of(@Nullable String active, List<String> old) {
		Map<String, SecretKey> keys = new LinkedHashMap<>();
		String activeId = null;
		if (active != null && !active.isBlank()) {
			Entry entry = parse(active.strip(), "NEXUS_ENCRYPTION_KEY (nexus.encryption.key)");
			activeId = entry.id();
			keys.put(entry.id(), entry.key());
		}
		int position = 0;
		for (String spec : old) {
			position++;
			if (spec == null || spec.isBlank()) {
				continue;
			}
			String setting = "entry " + position + " of NEXUS_ENCRYPTION_OLD_KEYS (nexus.encryption.old-keys)";
			Entry entry = parse(spec.strip(), setting);
			SecretKey known = keys.putIfAbsent(entry.id(), entry.key());
			if (known != null && !MessageDigest.isEqual(known.getEncoded(), entry.key().getEncoded())) {
				throw new IllegalStateException(setting + " names key id '" + entry.id()
						+ "', which another configured key already uses with different key bytes. "
						+ "Fix: give each key its own id");
			}
		}
		return new Keyring(activeId, keys);
	}

	private static Entry parse(String spec, String setting) {
		String id = null;
		String encoded = spec;
		int colon = spec.indexOf(':');
		if (colon >= 0) {
			id = spec.substring(0, colon).strip();
			encoded = spec.substring(colon + 1).strip();
			if (!KEY_ID.matcher(id).matches()) {
				throw new IllegalStateException(setting + " has an invalid key id: use 1 to 32 letters, digits, '.', "
						+ "'_' or '-' before the ':' (id:base64), or give only the base64 of the key");
			}
		}
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(encoded);
		}
		catch (IllegalArgumentException ex) {
			try {
				bytes = Base64.getUrlDecoder().decode(encoded);
			}
			catch (IllegalArgumentException urlEx) {
				throw new IllegalStateException(setting + " is not valid base64. Fix: use the base64 of " + KEY_BYTES
						+ " random bytes, e.g. $(openssl rand -base64 32)");
			}
		}
		if (bytes.length != KEY_BYTES) {
			int length = bytes.length;
			Arrays.fill(bytes, (byte) 0);
			throw new IllegalStateException(setting + " decodes to " + length + " bytes, but AES-256 needs exactly "
					+ KEY_BYTES + ". Fix: use the base64 of " + KEY_BYTES
					+ " random bytes, e.g. $(openssl rand -base64 32)");
		}
		SecretKey key = new SecretKeySpec(bytes, "AES");
		String keyId = (id != null) ? id : fingerprint(bytes);
		Arrays.fill(bytes, (byte) 0);
		return new Entry(keyId, key);
	}

	/**
	 * The id of an unnamed key: the start of the SHA-256 of a label and the key. It tells
	 * keys apart without revealing anything usable about them.
	 */
	static String fingerprint(byte[] key) {
		byte[] hash = Hashing.sha256("nexus-encryption-key-id".getBytes(StandardCharsets.UTF_8), key);
		return "k" + HexFormat.of().formatHex(hash, 0, 8);
	}

	@Nullable String activeId() {
		return this.activeId;
	}

	@Nullable SecretKey active() {
		return (this.activeId != null) ? this.keys.get(this.activeId) : null;
	}

	@Nullable SecretKey find(String id) {
		return this.keys.get(id);
	}

	/** Every key id, the active one first. */
	List<String> ids() {
		return List.copyOf(this.keys.keySet());
	}

	@Override
	public String toString() {
		return "Keyring[active=" + this.activeId + ", ids=" + this.keys.keySet() + "]";
	}

	private record Entry(String id, SecretKey key) {

		@Override
		public String toString() {
			return "Entry[id=" + this.id + ", key=<redacted>]";
		}

	}

}
