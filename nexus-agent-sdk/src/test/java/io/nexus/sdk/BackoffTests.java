package io.nexus.sdk;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BackoffTests {

	private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

	@Test
	void ceilingDoublesWithEachFailureUpToTheMaximum() {
		assertThat(this.backoff.ceiling(0)).isEqualTo(Duration.ofMillis(100));
		assertThat(this.backoff.ceiling(1)).isEqualTo(Duration.ofMillis(200));
		assertThat(this.backoff.ceiling(5)).isEqualTo(Duration.ofMillis(3200));
		assertThat(this.backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(5));
		assertThat(this.backoff.ceiling(10_000)).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void fullJitterSpreadsTheDelayBetweenZeroAndTheCeiling() {
		assertThat(this.backoff.delay(3, () -> 0.0)).isEqualTo(Duration.ZERO);
		assertThat(this.backoff.delay(3, () -> 0.5)).isEqualTo(Duration.ofMillis(400));
		assertThat(this.backoff.delay(3, () -> 0.999)).isEqualTo(Duration.ofMillis(799));
		assertThat(this.backoff.delay(40, () -> 0.5)).isEqualTo(Duration.ofMillis(2500));
	}

	@Test
	void randomDelaysStayWithinTheCeiling() {
		for (int attempt = 0; attempt < 20; attempt++) {
			assertThat(this.backoff.delay(attempt)).isBetween(Duration.ZERO, this.backoff.ceiling(attempt));
		}
	}

	@Test
	void refusesAMaximumBelowTheInitialDelay() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
	}

}
