package io.nexus.server.webhooks;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One event for one subscription: its state and its last attempt.
 *
 * @param seq its place in the log
 * @param id its id ({@code whd_...})
 * @param subscriptionId the subscription, {@code null} for a delivery to a target of
 * another module
 * @param eventId the event's id, sent as {@code webhook-id}
 * @param eventType the event's type
 * @param payload the body that is sent
 * @param status {@code pending}, {@code delivered} or {@code failed}
 * @param attempts attempts made so far
 * @param nextAttemptAt when the next attempt is due (while pending)
 * @param lastStatusCode the receiver's status code at the last attempt, if it answered
 * @param lastDurationMs how long the last attempt took, milliseconds
 * @param lastError why the last attempt failed
 * @param lastAttemptAt when the last attempt was made
 * @param createdAt when the event was recorded
 * @param deliveredAt when a receiver acknowledged it with a 2xx
 * @param targetKind the kind of target of another module ({@link WebhookTargets}), or
 * {@code null} for a subscription's delivery
 * @param targetId the target, or {@code null} for a subscription's delivery
 */
public record WebhookDelivery(long seq, String id, @Nullable String subscriptionId, String eventId, String eventType,
		String payload, String status, int attempts, Instant nextAttemptAt, @Nullable Integer lastStatusCode,
		@Nullable Long lastDurationMs, @Nullable String lastError, @Nullable Instant lastAttemptAt, Instant createdAt,
		@Nullable Instant deliveredAt, @Nullable String targetKind, @Nullable String targetId) {

	/** Not yet acknowledged, still tried. */
	public static final String PENDING = "pending";

	/** Acknowledged with a 2xx. */
	public static final String DELIVERED = "delivered";

	/** Given up after the retry period, or its subscription was disabled or deleted. */
	public static final String FAILED = "failed";

}
