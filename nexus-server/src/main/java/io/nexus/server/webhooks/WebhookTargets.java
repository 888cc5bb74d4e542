package io.nexus.server.webhooks;

import java.util.Map;
import java.util.Optional;

/**
 * Receivers of outbox deliveries that are not webhook subscriptions, kept by another
 * module (A2A push configs): it records deliveries with {@link WebhookEvents#deliverTo},
 * and says at each attempt where and how to send them. Such deliveries are retried,
 * logged and cleaned up like a subscription's, but are not signed (there is no shared
 * secret), and the deliveries of one target go out one at a time, in the order they were
 * recorded.
 */
public interface WebhookTargets {

	/**
	 * The kind of target, stored with each of its deliveries.
	 * @return lowercase words joined by dots, such as {@code a2a.push}
	 */
	String kind();

	/**
	 * The counter of attempts at its deliveries, tagged {@code outcome}
	 * ({@code delivered}, {@code retried}, {@code failed}) as the webhooks' own.
	 * @return the meter name, such as {@code nexus.a2a.push.deliveries}
	 */
	String metricName();

	/**
	 * Where a delivery goes now; read at each attempt, so a changed target is used at
	 * once and a deleted one gets nothing more.
	 * @param targetId the target
	 * @return the receiver, or empty if the target is gone (its deliveries fail)
	 */
	Optional<Receiver> receiver(String targetId);

	/**
	 * A receiver and the headers it gets beside the content type and
	 * {@code webhook-id}/{@code webhook-timestamp}.
	 *
	 * @param url the URL, checked again against the address rules before each attempt
	 * @param headers extra headers, such as credentials
	 */
	record Receiver(String url, Map<String, String> headers) {

		public Receiver {
			headers = Map.copyOf(headers);
		}

	}

}
