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
 */
@ConfigurationProperties("nexus.tasks")
@Validated
public record TaskProperties(@DefaultValue("3") @Min(1) @Max(Limits.MAX_ATTEMPTS) int defaultMaxAttempts,
		@DefaultValue("3600") @Min(1) @Max(Limits.MAX_TIMEOUT_SECONDS) int defaultTimeoutSeconds,
		@DefaultValue("1s") Duration retryBackoff, @DefaultValue("5m") Duration maxRetryBackoff,
		@DefaultValue("10000") @Min(1) int createQueueCapacity,
		@DefaultValue("1000") @Min(1) int createTransactionTasks) {

}
