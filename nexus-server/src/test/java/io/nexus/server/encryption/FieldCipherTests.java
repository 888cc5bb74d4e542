package io.nexus.server.encryption;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AES-256-GCM field cipher and the parsing of its keys.
 */
class FieldCipherTests {

	/** A test key (base64 of 32 bytes). */
	static final String KEY_A = "jsP6RmrNLWkxdy8UE6LU3Ar/DczXo5e4wuaOcK6rz84=";

	/** Another test key. */
	static final String KEY_B = "OoCeBZba23pVTN15FEDTJQg5zOAONcweyUMUE9aJj34=";

	private final FieldCipher cipher = FieldCipher.of("a:" + KEY_A, List.of());

	@Test
	void roundTripsAndNeverStoresThePlaintext() {
		String plaintext = "{\"secret\":\"marker-\u00e9\u4e2d\"}";
		FieldCipher.Sealed sealed = this.cipher.seal(plaintext, "tasks.payload", "task_1");
		assertThat(sealed.keyId()).isEqualTo("a");
		assertThat(sealed.value()).startsWith(FieldCipher.PREFIX).doesNotContain("marker");
		assertThat(this.cipher.open(sealed.value(), sealed.keyId(), "tasks.payload", "task_1")).isEqualTo(plaintext);
	}

	@Test
	void eachValueGetsAFreshNonce() {
		String first = this.cipher.seal("same", "tasks.payload", "task_1").value();
		String second = this.cipher.seal("same", "tasks.payload", "task_1").value();
		assertThat(first).isNotEqualTo(second);
	}

	@Test
	void withoutAKeyValuesStayPlaintextWithoutKeyId() {
		FieldCipher off = FieldCipher.of(null, List.of());
		assertThat(off.enabled()).isFalse();
		assertThat(off.seal("{}", "tasks.payload", "task_1")).isEqualTo(new FieldCipher.Sealed("{}", null));
		assertThat(this.cipher.open("{\"legacy\":1}", null, "tasks.payload", "task_1")).isEqualTo("{\"legacy\":1}");
		assertThat(this.cipher.seal(null, "tasks.payload", "task_1")).isEqualTo(new FieldCipher.Sealed(null, null));
	}

	@Test
	void wrongKeyUnderTheSameIdFailsTheIntegrityCheck() {
		FieldCipher.Sealed sealed = this.cipher.seal("hello", "tasks.result", "task_1");
		FieldCipher impostor = FieldCipher.of("a:" + KEY_B, List.of());
		assertThatThrownBy(() -> impostor.open(sealed.value(), "a", "tasks.result", "task_1"))
			.isInstanceOf(EncryptedValueInvalidException.class)
			.hasMessageContaining("integrity");
	}

	@Test
	void unknownKeyIdIsAMissingKeyNamingIt() {
		FieldCipher.Sealed sealed = this.cipher.seal("hello", "tasks.result", "task_1");
		FieldCipher other = FieldCipher.of("b:" + KEY_B, List.of());
		assertThatThrownBy(() -> other.open(sealed.value(), sealed.keyId(), "tasks.result", "task_1"))
			.isInstanceOfSatisfying(EncryptionKeyMissingException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo("encryption_key_missing");
				assertThat(ex.properties()).containsEntry("key_id", "a");
			});
	}

	@Test
	void tamperedCiphertextIsDetected() {
		String value = this.cipher.seal("{\"amount\":100}", "tasks.payload", "task_1").value();
		byte[] raw = Base64.getDecoder().decode(value.substring(FieldCipher.PREFIX.length()));
		raw[raw.length / 2] ^= 1;
		String tampered = FieldCipher.PREFIX + Base64.getEncoder().encodeToString(raw);
		assertThatThrownBy(() -> this.cipher.open(tampered, "a", "tasks.payload", "task_1"))
			.isInstanceOf(EncryptedValueInvalidException.class);
		assertThatThrownBy(() -> this.cipher.open("nxenc:v1:!!", "a", "tasks.payload", "task_1"))
			.isInstanceOf(EncryptedValueInvalidException.class);
		assertThatThrownBy(() -> this.cipher.open("{\"plain\":1}", "a", "tasks.payload", "task_1"))
			.isInstanceOf(EncryptedValueInvalidException.class);
	}

	@Test
	void aValueMovedToAnotherRowColumnOrKeyIdFailsTheAssociatedData() {
		FieldCipher both = FieldCipher.of("a:" + KEY_A, List.of("a2:" + KEY_A));
		String value = both.seal("{\"x\":1}", "tasks.payload", "task_1").value();
		assertThatThrownBy(() -> both.open(value, "a", "tasks.payload", "task_2"))
			.isInstanceOf(EncryptedValueInvalidException.class);
		assertThatThrownBy(() -> both.open(value, "a", "tasks.result", "task_1"))
			.isInstanceOf(EncryptedValueInvalidException.class);
		assertThatThrownBy(() -> both.open(value, "a2", "tasks.payload", "task_1"))
			.isInstanceOf(EncryptedValueInvalidException.class);
		assertThat(both.open(value, "a", "tasks.payload", "task_1")).isEqualTo("{\"x\":1}");
	}

	@Test
	void oldKeysDecryptButOnlyTheActiveKeyEncrypts() {
		FieldCipher.Sealed underA = this.cipher.seal("old", "tasks.payload", "task_1");
		FieldCipher rotated = FieldCipher.of("b:" + KEY_B, List.of("a:" + KEY_A));
		assertThat(rotated.open(underA.value(), "a", "tasks.payload", "task_1")).isEqualTo("old");
		assertThat(rotated.seal("new", "tasks.payload", "task_1").keyId()).isEqualTo("b");
		assertThat(rotated.keyIds()).containsExactly("b", "a");
	}

	@Test
	void unnamedKeysGetAStableFingerprintId() {
		FieldCipher unnamed = FieldCipher.of(KEY_A, List.of());
		assertThat(unnamed.activeKeyId()).matches("k[0-9a-f]{16}")
			.isEqualTo(FieldCipher.of(KEY_A, List.of()).activeKeyId())
			.isNotEqualTo(FieldCipher.of(KEY_B, List.of()).activeKeyId());
	}

	@Test
	void invalidKeysAreRefusedWithoutEchoingThem() {
		String shortKey = Base64.getEncoder().encodeToString(bytes(16, 3));
		assertThatIllegalStateException().isThrownBy(() -> FieldCipher.of(shortKey, List.of()))
			.withMessageContaining("NEXUS_ENCRYPTION_KEY")
			.withMessageContaining("decodes to 16 bytes")
			.withMessageNotContaining(shortKey);
		assertThatIllegalStateException().isThrownBy(() -> FieldCipher.of("not*base64*at*all", List.of()))
			.withMessageContaining("not valid base64")
			.withMessageNotContaining("not*base64");
		assertThatIllegalStateException().isThrownBy(() -> FieldCipher.of("bad id!:" + KEY_A, List.of()))
			.withMessageContaining("invalid key id")
			.withMessageNotContaining(KEY_A);
		assertThatIllegalStateException().isThrownBy(() -> FieldCipher.of("a:" + KEY_A, List.of("a:" + KEY_B)))
			.withMessageContaining("NEXUS_ENCRYPTION_OLD_KEYS")
			.withMessageNotContaining(KEY_B);
		assertThat(FieldCipher.of(" ", List.of("", " ")).enabled()).isFalse();
		assertThat(FieldCipher.of("a:" + KEY_A, List.of()).toString()).doesNotContain(KEY_A);
	}

	private static byte[] bytes(int length, int seed) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (seed * 31 + i * 7);
		}
		return bytes;
	}

}
