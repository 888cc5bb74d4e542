package io.nexus.server.webhooks.web;

import java.security.Principal;
import java.time.Instant;
import java.util.List;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.webhooks.WebhookAttempt;
import io.nexus.server.webhooks.WebhookDelivery;
import io.nexus.server.webhooks.WebhookEventType;
import io.nexus.server.webhooks.WebhookSubscription;
import io.nexus.server.webhooks.WebhookSubscriptions;
import io.nexus.server.webhooks.WebhookSubscriptions.Created;
import io.nexus.server.webhooks.WebhookSubscriptions.DeliveryHistory;
import io.nexus.server.webhooks.WebhookSubscriptions.Spec;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Webhook subscriptions and their delivery logs, {@code /api/webhooks} (admin only;
 * changes audited).
 */
@RestController
@RequestMapping("/api/webhooks")
@Tag(name = "Webhooks", description = "Signed HTTP callbacks on task and agent events")
class WebhookController {

	private static final String ID = "^[a-z]{3,4}_[0-9a-z]{26}$";

	private final WebhookSubscriptions webhooks;

	private final AuditLog audit;

	WebhookController(WebhookSubscriptions webhooks, AuditLog audit) {
		this.webhooks = webhooks;
		this.audit = audit;
	}

	@GetMapping
	@Operation(summary = "The webhook subscriptions (admin)")
	SubscriptionList list() {
		return new SubscriptionList(this.webhooks.list().stream().map(SubscriptionResponse::of).toList());
	}

	@GetMapping("/{id}")
	@Operation(summary = "One webhook subscription (admin)")
	SubscriptionResponse get(@PathVariable @Pattern(regexp = ID) String id) {
		return SubscriptionResponse.of(this.webhooks.get(id));
	}

	@PostMapping
	@Operation(summary = "Create a webhook subscription (admin)",
			description = "The answer shows the signing secret this once. A URL that is not http(s), longer than "
					+ "2048 characters, or whose host resolves to a private, loopback, link-local or otherwise "
					+ "non-public address (unless nexus.webhooks.allowed-networks allows it) gets 422.")
	ResponseEntity<SubscriptionResponse> create(@Valid @RequestBody SubscriptionRequest request, Principal principal) {
		Created created = this.webhooks.create(request.toSpec(), principal.getName());
		this.audit.record("webhook.created", created.subscription().id(), AuditLog.SUCCESS,
				describe(created.subscription()));
		return ResponseEntity.status(HttpStatus.CREATED)
			.body(SubscriptionResponse.of(created.subscription()).withSecret(created.secret()));
	}

	@PutMapping("/{id}")
	@Operation(summary = "Replace a webhook subscription (admin)",
			description = "URL, description, event types and enabled; the secret is changed by rotate-secret. "
					+ "Disabling it marks its pending deliveries failed.")
	SubscriptionResponse update(@PathVariable @Pattern(regexp = ID) String id,
			@Valid @RequestBody SubscriptionRequest request) {
		WebhookSubscription updated = this.webhooks.update(id, request.toSpec());
		this.audit.record("webhook.updated", id, AuditLog.SUCCESS, describe(updated));
		return SubscriptionResponse.of(updated);
	}

	@PostMapping("/{id}/rotate-secret")
	@Operation(summary = "Rotate a webhook subscription's secret (admin)",
			description = "The new secret is shown this once; the old one keeps signing beside it for "
					+ "nexus.webhooks.secret-overlap (both signatures are sent, separated by a space).")
	SubscriptionResponse rotateSecret(@PathVariable @Pattern(regexp = ID) String id,
			@RequestBody(required = false) @Nullable RotateRequest request) {
		Created rotated = this.webhooks.rotateSecret(id, (request != null) ? request.secret() : null);
		this.audit.record("webhook.secret_rotated", id, AuditLog.SUCCESS,
				"previous secret valid until " + rotated.subscription().previousSecretExpiresAt());
		return SubscriptionResponse.of(rotated.subscription()).withSecret(rotated.secret());
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete a webhook subscription and its delivery log (admin)")
	ResponseEntity<Void> delete(@PathVariable @Pattern(regexp = ID) String id) {
		WebhookSubscription deleted = this.webhooks.delete(id);
		this.audit.record("webhook.deleted", id, AuditLog.SUCCESS, describe(deleted));
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/{id}/deliveries")
	@Operation(summary = "A webhook subscription's delivery log, newest first (admin)")
	Page<DeliveryResponse> deliveries(@PathVariable @Pattern(regexp = ID) String id,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String cursor) {
		return this.webhooks.deliveries(id, PageRequest.of(limit, cursor)).map(DeliveryResponse::of);
	}

	@GetMapping("/{id}/deliveries/{deliveryId}")
	@Operation(summary = "One delivery with every attempt made at it, oldest first (admin)",
			description = "The last " + WebhookSubscriptions.MAX_ATTEMPTS_SHOWN + " attempts.")
	DeliveryHistoryResponse delivery(@PathVariable @Pattern(regexp = ID) String id,
			@PathVariable @Pattern(regexp = ID) String deliveryId) {
		DeliveryHistory history = this.webhooks.attempts(id, deliveryId);
		return new DeliveryHistoryResponse(DeliveryResponse.of(history.delivery()),
				history.attempts().stream().map(AttemptResponse::of).toList());
	}

	@PostMapping("/{id}/deliveries/{deliveryId}/redeliver")
	@Operation(summary = "Send a delivery's event again (admin)",
			description = "A new delivery with the same webhook-id and body, due at once.")
	ResponseEntity<DeliveryResponse> redeliver(@PathVariable @Pattern(regexp = ID) String id,
			@PathVariable @Pattern(regexp = ID) String deliveryId) {
		WebhookDelivery delivery = this.webhooks.redeliver(id, deliveryId);
		this.audit.record("webhook.redelivered", id, AuditLog.SUCCESS,
				"event " + delivery.eventId() + " as delivery " + delivery.id() + " (from " + deliveryId + ")");
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(DeliveryResponse.of(delivery));
	}

	private static String describe(WebhookSubscription subscription) {
		return subscription.url() + " for "
				+ subscription.eventTypes().stream().map(WebhookEventType::wireName).toList()
				+ (subscription.enabled() ? "" : " (disabled)");
	}

	/**
	 * The body of a create or replace.
	 *
	 * @param url the receiver: http(s), at most 2048 characters, a public address
	 * @param description what it is for, at most 500 characters
	 * @param eventTypes the events it receives, 1 to 32 of the known types
	 * @param secret a signing secret ({@code whsec_} and the base64 of 24 to 64 bytes);
	 * generated when absent; only on create
	 * @param enabled whether it receives events (default true)
	 */
	record SubscriptionRequest(@NotNull String url, @Nullable String description,
			@NotNull List<@Nullable String> eventTypes, @Nullable String secret, @Nullable Boolean enabled) {

		Spec toSpec() {
			return new Spec(this.url, this.description, this.eventTypes.stream().map(String::valueOf).toList(),
					this.secret, this.enabled);
		}

	}

	/**
	 * The body of a rotation.
	 *
	 * @param secret the new secret, or absent to generate one
	 */
	record RotateRequest(@Nullable String secret) {

	}

	/**
	 * Webhook subscriptions.
	 *
	 * @param items the subscriptions, oldest first
	 */
	record SubscriptionList(List<SubscriptionResponse> items) {

	}

	/**
	 * A subscription as the API shows it.
	 *
	 * @param id its id
	 * @param url the receiver
	 * @param description what it is for
	 * @param eventTypes the events it receives
	 * @param enabled whether it receives events
	 * @param disabledReason why Nexus disabled it
	 * @param failingSince the start of its current run of failed deliveries
	 * @param previousSecretExpiresAt until when the secret before the last rotation signs
	 * @param secret its secret: only in the answer to a create or a rotation
	 * @param createdBy who created it
	 * @param createdAt when
	 * @param updatedAt when it last changed
	 */
	record SubscriptionResponse(String id, String url, @Nullable String description, List<String> eventTypes,
			boolean enabled, @Nullable String disabledReason, @Nullable Instant failingSince,
			@Nullable Instant previousSecretExpiresAt, @Nullable String secret, String createdBy, Instant createdAt,
			Instant updatedAt) {

		static SubscriptionResponse of(WebhookSubscription subscription) {
			return new SubscriptionResponse(subscription.id(), subscription.url(), subscription.description(),
					subscription.eventTypes().stream().map(WebhookEventType::wireName).toList(), subscription.enabled(),
					subscription.disabledReason(), subscription.failingSince(), subscription.previousSecretExpiresAt(),
					null, subscription.createdBy(), subscription.createdAt(), subscription.updatedAt());
		}

		SubscriptionResponse withSecret(String secret) {
			return new SubscriptionResponse(this.id, this.url, this.description, this.eventTypes, this.enabled,
					this.disabledReason, this.failingSince, this.previousSecretExpiresAt, secret, this.createdBy,
					this.createdAt, this.updatedAt);
		}

	}

	/**
	 * A delivery as the API shows it.
	 *
	 * @param id its id
	 * @param eventId the event's id (the {@code webhook-id} header)
	 * @param eventType the event's type
	 * @param status {@code pending}, {@code delivered} or {@code failed}
	 * @param attempts attempts made
	 * @param nextAttemptAt when the next attempt is due, while pending
	 * @param lastStatusCode the receiver's status at the last attempt
	 * @param lastDurationMs how long the last attempt took, milliseconds
	 * @param lastError why the last attempt failed
	 * @param lastAttemptAt when the last attempt was made
	 * @param createdAt when the event was recorded
	 * @param deliveredAt when the receiver acknowledged it
	 * @param payload the body sent
	 */
	record DeliveryResponse(String id, String eventId, String eventType, String status, int attempts,
			@Nullable Instant nextAttemptAt, @Nullable Integer lastStatusCode, @Nullable Long lastDurationMs,
			@Nullable String lastError, @Nullable Instant lastAttemptAt, Instant createdAt,
			@Nullable Instant deliveredAt, String payload) {

		static DeliveryResponse of(WebhookDelivery delivery) {
			return new DeliveryResponse(delivery.id(), delivery.eventId(), delivery.eventType(), delivery.status(),
					delivery.attempts(),
					WebhookDelivery.PENDING.equals(delivery.status()) ? delivery.nextAttemptAt() : null,
					delivery.lastStatusCode(), delivery.lastDurationMs(), delivery.lastError(),
					delivery.lastAttemptAt(), delivery.createdAt(), delivery.deliveredAt(), delivery.payload());
		}

	}

	/**
	 * A delivery and its attempts.
	 *
	 * @param delivery the delivery, as in the log
	 * @param attempts every attempt at it, oldest first
	 */
	record DeliveryHistoryResponse(DeliveryResponse delivery, List<AttemptResponse> attempts) {

	}

	/**
	 * One attempt at a delivery.
	 *
	 * @param attempt its number, from 1
	 * @param node the node that made it
	 * @param attemptedAt when
	 * @param statusCode the receiver's status code ({@code null}: no answer)
	 * @param durationMs how long it took, milliseconds
	 * @param error why it failed
	 */
	record AttemptResponse(int attempt, String node, Instant attemptedAt, @Nullable Integer statusCode, long durationMs,
			@Nullable String error) {

		static AttemptResponse of(WebhookAttempt attempt) {
			return new AttemptResponse(attempt.attempt(), attempt.node(), attempt.at(), attempt.statusCode(),
					attempt.durationMs(), attempt.error());
		}

	}

}
