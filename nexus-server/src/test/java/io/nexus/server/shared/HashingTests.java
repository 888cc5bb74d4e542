package io.nexus.server.shared;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HashingTests {

	@Test
	void hashesTextAsTheStandardTestVectorSays() {
		assertThat(Hashing.sha256Hex("abc"))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

	@Test
	void hashesPartsAsOneInput() {
		byte[] whole = Hashing.sha256("ab".getBytes(StandardCharsets.UTF_8), "c".getBytes(StandardCharsets.UTF_8));
		assertThat(HexFormat.of().formatHex(whole)).isEqualTo(Hashing.sha256Hex("abc"));
	}

	@Test
	void secretsAreRandomAndPrefixed() {
		String first = Secrets.newToken("nxa_");
		assertThat(first).matches("nxa_[A-Za-z0-9_-]{43}");
		assertThat(Secrets.newToken("nxa_")).isNotEqualTo(first);
	}

}
