package io.nexus.server.webhooks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.webhooks.persistence.DeliveryRepository;
import io.nexus.server.webhooks.persistence.DeliveryRepository.NewDelivery;
import io.nexus.server.webhooks.persistence.SubscriptionRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Webhook subscriptions and their delivery logs: what admins manage through
 * {@code /api/webhooks}.
 */
@Service
public class WebhookSubscriptions {

	/** The most event types a subscription may list. */
	public static final int MAX_EVENT_TYPES = 32;

	/** The longest description. */
	public static final int MAX_DESCRIPTION = 500;

	/** The most attempts at one delivery that its history shows: the last ones. */
	public static final int MAX_ATTEMPTS_SHOWN = 100;

	private final SubscriptionRepository subscriptions;

	private final DeliveryRepository deliveries;

	private final ReceiverAddresses addresses;

	private final WebhookDeliverer deliverer;

	private final WebhookProperties properties;

	private final Clock clock;

	WebhookSubscriptions(SubscriptionRepository subscriptions, DeliveryRepository deliveries,
			ReceiverAddresses addresses, WebhookDeliverer deliverer, WebhookProperties properties, Clock clock) {
		this.subscriptions = subscriptions;
		this.deliveries = deliveries;
		this.addresses = addresses;
		this.deliverer = deliverer;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Creates a subscription.
	 * @param spec what it should be
	 * @param actor the admin
	 * @return the subscription and its secret, which is shown this once
	 */
	@Transactional
	public Created create(Spec spec, String actor) {
		List<WebhookEventType> types = validate(spec);
		String secret = (spec.secret() != null) ? spec.secret() : WebhookSignatures.newSecret();
		WebhookSignatures.validate(secret);
		if (this.subscriptions.count() >= this.properties.maxSubscriptions()) {
			throw new ConflictException("webhook_limit_reached", "There are already "
					+ this.properties.maxSubscriptions() + " webhook subscriptions (nexus.webhooks.max-subscriptions)",
					Map.of());
		}
		Instant now = this.clock.instant();
		WebhookSubscription subscription = new WebhookSubscription(Ids.next("whk"), spec.url(), spec.description(),
				types, (spec.enabled() == null) || spec.enabled(), null, null, null, actor, now, now);
		this.subscriptions.insert(subscription, secret);
		return new Created(subscription, secret);
	}

	/**
	 * Replaces what an admin may change; a subscription enabled again starts a new run.
	 * @param id the subscription
	 * @param spec what it should be (a secret in it is refused: rotate instead)
	 * @return the subscription as it is now
	 */
	@Transactional
	public WebhookSubscription update(String id, Spec spec) {
		List<WebhookEventType> types = validate(spec);
		if (spec.secret() != null) {
			throw InvalidRequestException.unprocessable("webhook_secret_immutable",
					"secret: a secret is changed by rotating it (POST /api/webhooks/{id}/rotate-secret)",
					Map.of("field", "secret"));
		}
		WebhookSubscription current = get(id);
		boolean enabled = (spec.enabled() != null) ? spec.enabled() : current.enabled();
		this.subscriptions.update(new WebhookSubscription(id, spec.url(), spec.description(), types, enabled,
				current.disabledReason(), current.failingSince(), current.previousSecretExpiresAt(),
				current.createdBy(), current.createdAt(), this.clock.instant()));
		if (!enabled) {
			this.deliveries.failPending(id, "the subscription was disabled by an admin");
		}
		return get(id);
	}

	/**
	 * Makes a new secret current; the current one keeps signing beside it for
	 * {@code nexus.webhooks.secret-overlap}.
	 * @param id the subscription
	 * @param secret the new secret, or {@code null} to generate one
	 * @return the subscription and its new secret, shown this once
	 */
	@Transactional
	public Created rotateSecret(String id, @Nullable String secret) {
		String next = (secret != null) ? secret : WebhookSignatures.newSecret();
		WebhookSignatures.validate(next);
		Instant now = this.clock.instant();
		if (!this.subscriptions.rotate(id, next, now.plus(this.properties.secretOverlap()), now)) {
			throw new WebhookNotFoundException("subscription", id);
		}
		return new Created(get(id), next);
	}

	@Transactional
	public WebhookSubscription delete(String id) {
		WebhookSubscription subscription = get(id);
		this.subscriptions.delete(id);
		return subscription;
	}

	@Transactional(readOnly = true)
	public WebhookSubscription get(String id) {
		return this.subscriptions.find(id).orElseThrow(() -> new WebhookNotFoundException("subscription", id));
	}

	@Transactional(readOnly = true)
	public List<WebhookSubscription> list() {
		return this.subscriptions.list();
	}

	/**
	 * A subscription's deliveries, newest first.
	 * @param id the subscription
	 * @param page the page
	 * @return the deliveries
	 */
	@Transactional(readOnly = true)
	public Page<WebhookDelivery> deliveries(String id, PageRequest page) {
		get(id);
		return this.deliveries.list(id, page);
	}

	/**
	 * The attempts at one delivery of a subscription, oldest first (the last
	 * {@value #MAX_ATTEMPTS_SHOWN}).
	 * @param id the subscription
	 * @param deliveryId the delivery
	 * @return the delivery and its attempts
	 */
	@Transactional(readOnly = true)
	public DeliveryHistory attempts(String id, String deliveryId) {
		get(id);
		WebhookDelivery delivery = this.deliveries.find(id, deliveryId)
			.orElseThrow(() -> new WebhookNotFoundException("delivery", deliveryId));
		return new DeliveryHistory(delivery, this.deliveries.attempts(deliveryId, MAX_ATTEMPTS_SHOWN));
	}

	/**
	 * Sends a delivery's event again, as a new delivery with the same {@code webhook-id}
	 * and body, due at once, whatever became of the first.
	 * @param id the subscription
	 * @param deliveryId the delivery
	 * @return the new delivery
	 */
	@Transactional
	public WebhookDelivery redeliver(String id, String deliveryId) {
		WebhookSubscription subscription = get(id);
		if (!subscription.enabled()) {
			throw new ConflictException("webhook_disabled",
					"The subscription is disabled; enable it before redelivering", Map.of("id", id));
		}
		WebhookDelivery original = this.deliveries.find(id, deliveryId)
			.orElseThrow(() -> new WebhookNotFoundException("delivery", deliveryId));
		String newId = Ids.next("whd");
		this.deliveries.insertAll(List.of(new NewDelivery(newId, id, original.eventId(), original.eventType(),
				original.payload(), this.clock.instant())));
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				WebhookSubscriptions.this.deliverer.wake();
			}

		});
		return this.deliveries.find(id, newId).orElseThrow();
	}

	private List<WebhookEventType> validate(Spec spec) {
		this.addresses.validate(spec.url());
		if (spec.description() != null && spec.description().length() > MAX_DESCRIPTION) {
			throw InvalidRequestException.unprocessable("webhook_description_invalid",
					"description: at most " + MAX_DESCRIPTION + " characters", Map.of("field", "description"));
		}
		if (spec.eventTypes().isEmpty() || spec.eventTypes().size() > MAX_EVENT_TYPES) {
			throw InvalidRequestException.unprocessable("webhook_event_types_invalid",
					"event_types: between 1 and " + MAX_EVENT_TYPES + " event types", Map.of("field", "event_types"));
		}
		LinkedHashSet<WebhookEventType> types = new LinkedHashSet<>();
		List<String> unknown = new ArrayList<>();
		for (String name : spec.eventTypes()) {
			String given = String.valueOf(name);
			WebhookEventType.fromWireName(given)
				.ifPresentOrElse(types::add, () -> unknown.add((given.length() > 64) ? given.substring(0, 64) : given));
		}
		if (!unknown.isEmpty()) {
			throw InvalidRequestException.unprocessable("webhook_event_types_invalid",
					"event_types: unknown event types " + unknown.stream().limit(5).toList() + "; known: "
							+ Arrays.stream(WebhookEventType.values()).map(WebhookEventType::wireName).toList(),
					Map.of("field", "event_types"));
		}
		return List.copyOf(types);
	}

	/**
	 * What an admin asks for.
	 *
	 * @param url the receiver
	 * @param description what it is for
	 * @param eventTypes the event types' wire names
	 * @param secret a secret ({@code whsec_...}), or {@code null} to generate one
	 * @param enabled whether it receives events ({@code null}: yes, or as it was)
	 */
	public record Spec(String url, @Nullable String description, List<String> eventTypes, @Nullable String secret,
			@Nullable Boolean enabled) {

	}

	/**
	 * A subscription with its secret, as answered once.
	 * @param subscription the subscription
	 * @param secret its current secret
	 */
	/**
	 * A delivery with its attempts.
	 *
	 * @param delivery the delivery
	 * @param attempts its attempts, oldest first
	 */
	public record DeliveryHistory(WebhookDelivery delivery, List<WebhookAttempt> attempts) {

	}

	public record Created(WebhookSubscription subscription, String secret) {

	}

}
