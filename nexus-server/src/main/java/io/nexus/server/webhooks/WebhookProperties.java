package io.nexus.server.webhooks;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook delivery ({@code nexus.webhooks.*}).
 *
 * @param enabled whether this node delivers (events are recorded either way)
 * @param threads the delivery threads of this node: the most requests in flight at once
 * @param pollInterval how often a node looks for due deliveries when nothing woke it
 * @param connectTimeout how long a connection to a receiver may take
 * @param requestTimeout how long a receiver may take to answer (status and headers)
 * @param initialBackoff the wait after the first failed attempt; it doubles with each
 * failure, with random jitter, up to {@code maxBackoff}
 * @param maxBackoff the longest wait between two attempts
 * @param retryPeriod how long after the event a delivery is retried before it is marked
 * failed
 * @param disableAfter a subscription whose deliveries have failed without a success for
 * this long is disabled
 * @param secretOverlap how long the previous secret keeps signing after a rotation
 * @param logRetention how long delivered and failed deliveries stay in the log
 * @param allowedNetworks networks (CIDR, such as {@code 10.0.0.0/8} or
 * {@code 127.0.0.1/32}) that receivers may be in although they are private, loopback,
 * link-local or otherwise not public
 * @param maxSubscriptions the most subscriptions there may be
 * @param queueStuckAfter the queue is stuck ({@code queue.stuck}) when its oldest queued
 * task has waited longer than this; {@code 0} turns the check off
 * @param queueCheckInterval how often each node checks the queue
 */
@Validated
@ConfigurationProperties("nexus.webhooks")
public record WebhookProperties(@DefaultValue("true") boolean enabled, @DefaultValue("4") @Min(1) @Max(256) int threads,
		@DefaultValue("1s") Duration pollInterval, @DefaultValue("5s") Duration connectTimeout,
		@DefaultValue("10s") Duration requestTimeout, @DefaultValue("5s") Duration initialBackoff,
		@DefaultValue("1h") Duration maxBackoff, @DefaultValue("24h") Duration retryPeriod,
		@DefaultValue("5d") Duration disableAfter, @DefaultValue("24h") Duration secretOverlap,
		@DefaultValue("7d") Duration logRetention, @DefaultValue List<String> allowedNetworks,
		@DefaultValue("100") @Min(1) @Max(10_000) int maxSubscriptions, @DefaultValue("15m") Duration queueStuckAfter,
		@DefaultValue("30s") Duration queueCheckInterval) {

	/**
	 * How long a claimed delivery stays with its node: the request's time and a margin.
	 * Past it, another node may take the delivery again (the node is presumed dead).
	 * @return the claim's length
	 */
	Duration claimTimeout() {
		return this.connectTimeout.plus(this.requestTimeout).plusSeconds(30);
	}

}
