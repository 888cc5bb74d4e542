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
 */
@ConfigurationProperties("nexus.tasks")
@Validated
public record TaskProperties(@DefaultValue("3") @Min(1) @Max(Limits.MAX_ATTEMPTS) int defaultMaxAttempts,
		@DefaultValue("3600") @Min(1) @Max(Limits.MAX_TIMEOUT_SECONDS) int defaultTimeoutSeconds,
		@DefaultValue("1s") Duration retryBackoff, @DefaultValue("5m") Duration maxRetryBackoff) {

}
