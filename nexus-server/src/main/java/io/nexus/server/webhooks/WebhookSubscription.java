package io.nexus.server.webhooks;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A webhook subscription as stored, without its secrets.
 *
 * @param id its id ({@code whk_...})
 * @param url where events are posted
 * @param description what it is for
 * @param eventTypes the events it receives
 * @param enabled whether events are recorded and delivered for it
 * @param disabledReason why Nexus disabled it, if it did
 * @param failingSince the start of the current run of failed deliveries
 * @param previousSecretExpiresAt until when the secret before the last rotation still
 * signs, if it does
 * @param createdBy the admin who created it
 * @param createdAt when
 * @param updatedAt when it last changed
 */
public record WebhookSubscription(String id, String url, @Nullable String description,
		List<WebhookEventType> eventTypes, boolean enabled, @Nullable String disabledReason,
		@Nullable Instant failingSince, @Nullable Instant previousSecretExpiresAt, String createdBy, Instant createdAt,
		Instant updatedAt) {

	public WebhookSubscription {
		eventTypes = List.copyOf(eventTypes);
	}

}
