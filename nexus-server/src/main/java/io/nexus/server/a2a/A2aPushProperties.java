package io.nexus.server.a2a;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * A2A push notifications ({@code nexus.a2a.push.*}, docs/configuration.md). Deliveries go
 * through the webhook outbox, with the {@code nexus.webhooks.*} settings for timeouts,
 * retries, threads and receiver addresses.
 *
 * @param enabled whether clients may set push notification configs (the Agent Card says
 * {@code pushNotifications} accordingly)
 * @param maxConfigsPerTask the most configs one task may have
 */
@ConfigurationProperties("nexus.a2a.push")
@Validated
record A2aPushProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("10") @Min(1) @Max(100) int maxConfigsPerTask) {

}
