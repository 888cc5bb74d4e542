package io.nexus.server.a2a;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.server.webhooks.WebhookTargets;

import org.springframework.stereotype.Component;

/**
 * Where the webhook outbox sends A2A push notifications: the config's URL, with its token
 * as {@code X-A2A-Notification-Token} and its authentication as {@code Authorization},
 * read at each attempt (a deleted config gets nothing more).
 */
@Component
class A2aPushTargets implements WebhookTargets {

	static final String TOKEN_HEADER = "X-A2A-Notification-Token";

	private static final String METRIC = "nexus.a2a.push.deliveries";

	private final A2aPushConfigRows configs;

	A2aPushTargets(A2aPushConfigRows configs, MeterRegistry meters) {
		this.configs = configs;
		for (String outcome : List.of("delivered", "retried", "failed")) {
			Counter.builder(METRIC)
				.description("A2A push notification attempts by outcome")
				.tag("outcome", outcome)
				.register(meters);
		}
	}

	@Override
	public String metricName() {
		return METRIC;
	}

	@Override
	public String kind() {
		return A2aPushNotifier.KIND;
	}

	@Override
	public Optional<Receiver> receiver(String targetId) {
		return this.configs.byTarget(targetId).map((config) -> {
			Map<String, String> headers = new LinkedHashMap<>();
			if (config.token() != null) {
				headers.put(TOKEN_HEADER, config.token());
			}
			if (config.authScheme() != null && config.credentials() != null) {
				headers.put("Authorization", config.authScheme() + " " + config.credentials());
			}
			return new Receiver(config.url(), headers);
		});
	}

}
