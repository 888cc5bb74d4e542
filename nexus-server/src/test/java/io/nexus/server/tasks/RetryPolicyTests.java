package io.nexus.server.tasks;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTests {

	private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5));

	@Test
	void doublesTheWaitWithEachAttempt() {
		assertThat(this.policy.backoff(1, 1.0)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.policy.backoff(2, 1.0)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.policy.backoff(3, 1.0)).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.policy.backoff(0, 1.0)).as("no attempt yet waits like the first")
			.isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void neverWaitsLongerThanTheMaximum() {
		assertThat(this.policy.backoff(10, 1.0)).isEqualTo(Duration.ofMinutes(5));
		assertThat(this.policy.backoff(Integer.MAX_VALUE, 1.0)).as("no overflow").isEqualTo(Duration.ofMinutes(5));
		assertThat(new RetryPolicy(Duration.ofDays(1), Duration.ofDays(7)).backoff(1000, 1.0))
			.isEqualTo(Duration.ofDays(7));
	}

	@Test
	void jitterTakesBetweenHalfAndAllOfTheWait() {
		assertThat(this.policy.backoff(3, 0.0)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.policy.backoff(3, 0.5)).isEqualTo(Duration.ofSeconds(3));
		assertThat(this.policy.backoff(3, 0.999)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
	}

}
