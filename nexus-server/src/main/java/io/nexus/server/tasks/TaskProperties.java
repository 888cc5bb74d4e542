package io.nexus.server.tasks;

import java.time.Duration;

import io.nexus.server.shared.Limits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Defaults for new tasks ({@code nexus.tasks.*}).
 *
 * @param defaultMaxAttempts attempts a task gets when the request names none
 * @param defaultTimeoutSeconds how long one attempt may run when the request names no
 * timeout
 * @param retryBackoff the wait before the second attempt; it doubles with each attempt
 * @param maxRetryBackoff the longest wait between attempts
 * @param createQueueCapacity tasks waiting to be written past which a create request is
 * answered 503 with {@code Retry-After} (admission control)
 * @param createTransactionTasks tasks written at most in one group-commit transaction
 * @param createReaders create requests that may read and check their bodies at once; 0:
 * half the processors (at least one), so that a burst of creation leaves the rest of the
 * machine to dispatch and to agents' reports
 * @param createReadWait how long a create request waits for its turn to be read before it
 * is answered 503 with {@code Retry-After}
 */
@ConfigurationProperties("nexus.tasks")
@Validated
public record TaskProperties(@DefaultValue("3") @Min(1) @Max(Limits.MAX_ATTEMPTS) int defaultMaxAttempts,
		@DefaultValue("3600") @Min(1) @Max(Limits.MAX_TIMEOUT_SECONDS) int defaultTimeoutSeconds,
		@DefaultValue("1s") Duration retryBackoff, @DefaultValue("5m") Duration maxRetryBackoff,
		@DefaultValue("10000") @Min(1) int createQueueCapacity,
		@DefaultValue("1000") @Min(1) int createTransactionTasks, @DefaultValue("0") @Min(0) int createReaders,
		@DefaultValue("2s") Duration createReadWait) {

	/**
	 * How many create requests may be read at once.
	 * @return {@link #createReaders()}, or half the processors (at least one) for 0
	 */
	public int effectiveCreateReaders() {
		return (this.createReaders > 0) ? this.createReaders
				: Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
	}

}
