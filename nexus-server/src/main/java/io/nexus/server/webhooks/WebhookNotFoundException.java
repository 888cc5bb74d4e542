package io.nexus.server.webhooks;

import java.util.Map;

import io.nexus.server.shared.NotFoundException;

/**
 * No webhook subscription, or no delivery of it, has the id.
 */
public class WebhookNotFoundException extends NotFoundException {

	WebhookNotFoundException(String what, String id) {
		super(what.equals("subscription") ? "webhook_not_found" : "webhook_delivery_not_found",
				"No webhook " + what + " " + id, Map.of("id", id));
	}

}
