package io.nexus.server.webhooks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.Ids;
import io.nexus.server.webhooks.persistence.DeliveryRepository;
import io.nexus.server.webhooks.persistence.DeliveryRepository.NewDelivery;
import io.nexus.server.webhooks.persistence.SubscriptionRepository;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The way into the webhook outbox, for every module: {@link #publish} records an event
 * for each enabled subscription that wants its type, in the caller's transaction, so that
 * the event commits or rolls back with the change that caused it and is never lost in a
 * crash. The events of a transaction are written in one batch just before it commits (one
 * read of the subscriptions, one batched insert, nothing at all when no subscription
 * wants them); after the commit this node's deliverer is woken.
 */
@Component
public class WebhookEvents {

	/** The key of a transaction's wake-up after deliveries to targets. */
	private static final Object WAKE = new Object();

	private final SubscriptionRepository subscriptions;

	private final DeliveryRepository deliveries;

	private final WebhookDeliverer deliverer;

	private final JsonMapper json;

	private final Clock clock;

	WebhookEvents(SubscriptionRepository subscriptions, DeliveryRepository deliveries, WebhookDeliverer deliverer,
			JsonMapper json, Clock clock) {
		this.subscriptions = subscriptions;
		this.deliveries = deliveries;
		this.deliverer = deliverer;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * Records an event for delivery to its subscribers. The payload sent is
	 * {@code {"type": ..., "timestamp": ..., "data": data}}.
	 * @param type the event type
	 * @param data the event's facts, serialised as JSON (snake_case keys by convention)
	 * @throws IllegalStateException outside a transaction: the event would not be tied to
	 * the change that caused it
	 */
	public void publish(WebhookEventType type, Map<String, ?> data) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| !TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("Webhook events are published inside the transaction of their change");
		}
		pending().add(new Event(Ids.next("msg"), type, new LinkedHashMap<>(data), this.clock.instant()));
	}

	/**
	 * Records deliveries to a target of another module ({@link WebhookTargets}) at once,
	 * in the caller's transaction, also from a synchronization's {@code beforeCommit};
	 * the deliverer is woken after the commit.
	 * @param kind the kind of target ({@link WebhookTargets#kind()})
	 * @param targetId the target
	 * @param bodies the bodies to send, in order, each with its event type
	 * @throws IllegalStateException outside a transaction
	 */
	public void deliverTo(String kind, String targetId, List<Map.Entry<String, String>> bodies) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| !TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("Deliveries are recorded inside the transaction of their change");
		}
		Instant now = this.clock.instant();
		this.deliveries.insertForTarget(kind, targetId, bodies.stream()
			.map((body) -> new NewDelivery(Ids.next("whd"), null, Ids.next("msg"), body.getKey(), body.getValue(), now))
			.toList());
		if (TransactionSynchronizationManager.getResource(WAKE) == null) {
			TransactionSynchronizationManager.bindResource(WAKE, Boolean.TRUE);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					WebhookEvents.this.deliverer.wake();
				}

				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(WAKE);
				}

			});
		}
	}

	private List<Event> pending() {
		@SuppressWarnings("unchecked")
		List<Event> events = (List<Event>) TransactionSynchronizationManager.getResource(this);
		if (events != null) {
			return events;
		}
		List<Event> bound = new ArrayList<>();
		TransactionSynchronizationManager.bindResource(this, bound);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			private boolean wrote;

			@Override
			public void beforeCommit(boolean readOnly) {
				this.wrote = write(bound);
				bound.clear();
			}

			@Override
			public void afterCommit() {
				if (this.wrote) {
					WebhookEvents.this.deliverer.wake();
				}
			}

			@Override
			public void afterCompletion(int status) {
				TransactionSynchronizationManager.unbindResourceIfPossible(WebhookEvents.this);
			}

		});
		return bound;
	}

	private boolean write(List<Event> events) {
		if (events.isEmpty()) {
			return false;
		}
		Map<String, List<WebhookEventType>> wanted = this.subscriptions.enabledTypes();
		if (wanted.isEmpty()) {
			return false;
		}
		List<NewDelivery> rows = new ArrayList<>();
		for (Event event : events) {
			String payload = null;
			for (Map.Entry<String, List<WebhookEventType>> subscription : wanted.entrySet()) {
				if (subscription.getValue().contains(event.type())) {
					// serialised only for events that someone wants
					payload = (payload != null) ? payload : payload(event);
					rows.add(new NewDelivery(Ids.next("whd"), subscription.getKey(), event.id(),
							event.type().wireName(), payload, event.at()));
				}
			}
		}
		this.deliveries.insertAll(rows);
		return !rows.isEmpty();
	}

	private String payload(Event event) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", event.type().wireName());
		body.put("timestamp", event.at().toString());
		body.put("data", event.data());
		return this.json.writeValueAsString(body);
	}

	private record Event(String id, WebhookEventType type, Map<String, ?> data, Instant at) {

	}

}
