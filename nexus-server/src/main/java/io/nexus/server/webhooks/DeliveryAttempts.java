package io.nexus.server.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.webhooks.WebhookSender.Result;
import io.nexus.server.webhooks.persistence.DeliveryRepository;
import io.nexus.server.webhooks.persistence.DeliveryRepository.Attempt;
import io.nexus.server.webhooks.persistence.SigningSecrets;
import io.nexus.server.webhooks.persistence.SubscriptionRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * One attempt at one claimed delivery, and what follows from it: a 2xx marks it delivered
 * and ends its subscription's run of failures; anything else schedules the next attempt
 * after an exponential backoff with jitter, or marks it failed once the retry period
 * since the event has passed; a subscription that has failed for longer than
 * {@code nexus.webhooks.disable-after} is disabled, with an audit event, a log line and a
 * metric.
 */
@Component
class DeliveryAttempts {

	private static final Logger logger = LoggerFactory.getLogger(DeliveryAttempts.class);

	private static final String WEBHOOK_METRIC = "nexus.webhook.deliveries";

	private final DeliveryRepository deliveries;

	private final SubscriptionRepository subscriptions;

	private final WebhookSender sender;

	private final WebhookProperties properties;

	private final AuditLog audit;

	private final MeterRegistry meters;

	private final Clock clock;

	private final Counter disabled;

	private final Map<String, WebhookTargets> targets;

	DeliveryAttempts(DeliveryRepository deliveries, SubscriptionRepository subscriptions, WebhookSender sender,
			WebhookProperties properties, AuditLog audit, MeterRegistry meters, Clock clock,
			List<WebhookTargets> targets) {
		this.targets = targets.stream().collect(Collectors.toMap(WebhookTargets::kind, Function.identity()));
		this.deliveries = deliveries;
		this.subscriptions = subscriptions;
		this.sender = sender;
		this.properties = properties;
		this.audit = audit;
		this.meters = meters;
		this.clock = clock;
		this.disabled = Counter.builder("nexus.webhook.subscriptions.disabled")
			.description("Webhook subscriptions disabled because their deliveries kept failing")
			.register(meters);
	}

	/**
	 * Makes one attempt and records it, if the node still holds the claim.
	 * @param delivery the claimed delivery
	 * @param node the node that claimed it
	 */
	void attempt(WebhookDelivery delivery, String node) {
		if (delivery.targetKind() != null) {
			attemptTarget(delivery, delivery.targetKind(), node);
			return;
		}
		WebhookSubscription subscription = this.subscriptions.find(delivery.subscriptionId()).orElse(null);
		SigningSecrets secrets = this.subscriptions.secrets(delivery.subscriptionId()).orElse(null);
		Instant start = this.clock.instant();
		if (subscription == null || secrets == null || !subscription.enabled()) {
			this.deliveries.recordAttempt(delivery.id(), node, new Attempt(WebhookDelivery.FAILED, start, null, 0,
					"the subscription is disabled or deleted", start));
			count("failed");
			return;
		}
		long timestamp = start.getEpochSecond();
		String signature = WebhookSignatures.sign(secrets.validAt(start), delivery.eventId(), timestamp,
				delivery.payload());
		long began = System.nanoTime();
		Result result = this.sender.send(subscription.url(), delivery.eventId(), timestamp, signature,
				delivery.payload());
		long durationMs = Duration.ofNanos(System.nanoTime() - began).toMillis();
		Instant now = this.clock.instant();
		if (result.delivered()) {
			if (this.deliveries.recordAttempt(delivery.id(), node,
					new Attempt(WebhookDelivery.DELIVERED, now, result.statusCode(), durationMs, null, now))) {
				count("delivered");
			}
			this.subscriptions.succeeded(subscription.id());
			return;
		}
		String error = recordFailure(delivery, node, result, durationMs, now, WEBHOOK_METRIC);
		logger.debug("Webhook delivery {} to {} failed (attempt {}): {}", delivery.id(), subscription.id(),
				delivery.attempts() + 1, error);
		this.subscriptions.failed(subscription.id(), now)
			.filter((since) -> !since.plus(this.properties.disableAfter()).isAfter(now))
			.ifPresent((since) -> disable(subscription, since, now));
	}

	/**
	 * An attempt at a delivery to a target of another module: sent with the target's
	 * headers and unsigned; a target that is gone fails the delivery at once.
	 */
	private void attemptTarget(WebhookDelivery delivery, String kind, String node) {
		WebhookTargets targets = this.targets.get(kind);
		String metric = (targets != null) ? targets.metricName() : WEBHOOK_METRIC;
		Instant start = this.clock.instant();
		WebhookTargets.Receiver receiver = (targets != null && delivery.targetId() != null)
				? targets.receiver(delivery.targetId()).orElse(null) : null;
		if (receiver == null) {
			if (this.deliveries.recordAttempt(delivery.id(), node, new Attempt(WebhookDelivery.FAILED, start, null, 0,
					"the " + kind + " target is gone (deleted)", start))) {
				count(metric, "failed");
			}
			return;
		}
		long began = System.nanoTime();
		Result result = this.sender.send(receiver.url(), delivery.eventId(), start.getEpochSecond(), receiver.headers(),
				delivery.payload());
		long durationMs = Duration.ofNanos(System.nanoTime() - began).toMillis();
		Instant now = this.clock.instant();
		if (result.delivered()) {
			if (this.deliveries.recordAttempt(delivery.id(), node,
					new Attempt(WebhookDelivery.DELIVERED, now, result.statusCode(), durationMs, null, now))) {
				count(metric, "delivered");
			}
			return;
		}
		String error = recordFailure(delivery, node, result, durationMs, now, metric);
		logger.debug("Delivery {} to {} {} failed (attempt {}): {}", delivery.id(), kind, delivery.targetId(),
				delivery.attempts() + 1, error);
	}

	/**
	 * Schedules the next attempt after a failed one, or gives up past the retry period.
	 */
	private String recordFailure(WebhookDelivery delivery, String node, Result result, long durationMs, Instant now,
			String metric) {
		Instant next = now.plus(backoff(delivery.attempts() + 1));
		boolean givenUp = next.isAfter(delivery.createdAt().plus(this.properties.retryPeriod()));
		String error = shorten(result.error());
		if (this.deliveries.recordAttempt(delivery.id(), node,
				new Attempt(givenUp ? WebhookDelivery.FAILED : WebhookDelivery.PENDING, next, result.statusCode(),
						durationMs, error, now))) {
			count(metric, givenUp ? "failed" : "retried");
		}
		return error;
	}

	/**
	 * The wait before an attempt: {@code initial-backoff} doubled for each attempt
	 * before, at most {@code max-backoff}, of which a random half is taken off so that
	 * many failed deliveries do not all come back at once.
	 * @param attempt the number of the failed attempt, from 1
	 * @return the wait
	 */
	Duration backoff(int attempt) {
		Duration delay = this.properties.initialBackoff();
		for (int i = 1; i < attempt && delay.compareTo(this.properties.maxBackoff()) < 0; i++) {
			delay = delay.multipliedBy(2);
		}
		if (delay.compareTo(this.properties.maxBackoff()) > 0) {
			delay = this.properties.maxBackoff();
		}
		long millis = delay.toMillis();
		return Duration.ofMillis(millis - ThreadLocalRandom.current().nextLong(millis / 2 + 1));
	}

	private void disable(WebhookSubscription subscription, Instant since, Instant now) {
		String reason = "deliveries failed without a success since " + since + " (nexus.webhooks.disable-after "
				+ this.properties.disableAfter() + ")";
		if (!this.subscriptions.disable(subscription.id(), reason, now)) {
			return;
		}
		int dropped = this.deliveries.failPending(subscription.id(), "the subscription was disabled: " + reason);
		this.audit.recordAs("system", "webhook.disabled", subscription.id(), AuditLog.FAILURE,
				subscription.url() + ": " + reason + "; " + dropped + " pending deliveries marked failed");
		this.disabled.increment();
		logger.warn("Webhook subscription {} ({}) disabled: {}", subscription.id(), subscription.url(), reason);
	}

	private void count(String outcome) {
		count(WEBHOOK_METRIC, outcome);
	}

	private void count(String metric, String outcome) {
		Counter.builder(metric)
			.description("Delivery attempts of the webhook outbox by outcome")
			.tag("outcome", outcome)
			.register(this.meters)
			.increment();
	}

	private static String shorten(String text) {
		return (text != null && text.length() > 500) ? text.substring(0, 497) + "..." : String.valueOf(text);
	}

}
