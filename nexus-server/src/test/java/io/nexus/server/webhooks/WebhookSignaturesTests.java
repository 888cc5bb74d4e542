package io.nexus.server.webhooks;

import java.util.List;

import io.nexus.server.shared.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Signatures per the Standard Webhooks convention, checked against the example of its
 * reference libraries.
 */
class WebhookSignaturesTests {

	private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	@Test
	void signsAsTheReferenceLibrariesDo() {
		assertThat(WebhookSignatures.sign(List.of(SECRET), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
				"{\"test\": 2432232314}"))
			.isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	}

	@Test
	void signsWithEverySecretSeparatedBySpaces() {
		String other = WebhookSignatures.newSecret();
		String header = WebhookSignatures.sign(List.of(SECRET, other), "msg_1", 1, "{}");
		assertThat(header.split(" ")).hasSize(2)
			.containsExactly(WebhookSignatures.sign(List.of(SECRET), "msg_1", 1, "{}"),
					WebhookSignatures.sign(List.of(other), "msg_1", 1, "{}"));
	}

	@Test
	void generatedSecretsAreValidAndDifferent() {
		String one = WebhookSignatures.newSecret();
		WebhookSignatures.validate(one);
		assertThat(one).startsWith("whsec_").isNotEqualTo(WebhookSignatures.newSecret());
	}

	@Test
	void refusesSecretsThatAreNotBase64KeysOfTheRightSize() {
		for (String bad : List.of("secret", "whsec_", "whsec_c2hvcnQ=", "whsec_!!!!", "whsec_" + "A".repeat(120))) {
			assertThatExceptionOfType(InvalidRequestException.class).as(bad)
				.isThrownBy(() -> WebhookSignatures.validate(bad));
		}
	}

}
