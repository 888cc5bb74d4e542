package io.nexus.server.security;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The TOTP function against the SHA-1 test vectors of RFC 6238 appendix B, and base32
 * against RFC 4648 section 10.
 */
class TotpTests {

	private static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

	@ParameterizedTest
	@CsvSource({ "59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924",
			"2000000000, 69279037", "20000000000, 65353130" })
	void matchesTheRfc6238Sha1Vectors(long time, String expected) {
		assertThat(Totp.code(RFC_KEY, Totp.step(time), 8)).isEqualTo(expected);
		assertThat(Totp.code(RFC_KEY, Totp.step(time), 6)).isEqualTo(expected.substring(2));
	}

	@Test
	void acceptsOneStepEitherSideAndNoMore() {
		String secret = Totp.base32Encode(RFC_KEY);
		assertThat(Totp.matchingStep(secret, "287082", 59)).isEqualTo(1);
		assertThat(Totp.matchingStep(secret, "287082", 59 + 30)).isEqualTo(1);
		assertThat(Totp.matchingStep(secret, "287082", 59 - 30)).isEqualTo(1);
		assertThat(Totp.matchingStep(secret, "287082", 59 + 60)).isEqualTo(-1);
		assertThat(Totp.matchingStep(secret, "28708", 59)).isEqualTo(-1);
		assertThat(Totp.matchingStep(secret, "28708x", 59)).isEqualTo(-1);
	}

	@ParameterizedTest
	@CsvSource({ "f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB", "foobar, MZXW6YTBOI" })
	void base32MatchesRfc4648(String plain, String encoded) {
		assertThat(Totp.base32Encode(plain.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
		assertThat(new String(Totp.base32Decode(encoded), StandardCharsets.US_ASCII)).isEqualTo(plain);
		assertThat(new String(Totp.base32Decode(encoded.toLowerCase() + "===="), StandardCharsets.US_ASCII))
			.isEqualTo(plain);
	}

	@Test
	void newSecretsAre160BitsOfBase32() {
		String secret = Totp.newSecret();
		assertThat(secret).hasSize(32).matches("[A-Z2-7]+");
		assertThat(Totp.base32Decode(secret)).hasSize(20);
		assertThatIllegalArgumentException().isThrownBy(() -> Totp.base32Decode("not-base32!"));
	}

}
