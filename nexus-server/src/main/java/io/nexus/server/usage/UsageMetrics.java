package io.nexus.server.usage;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexus.protocol.frames.UsageReport;

import org.springframework.stereotype.Component;

/**
 * Usage as metrics, with bounded labels: tokens by kind, cost by currency (the first
 * {@value #MAX_CURRENCIES} currencies seen, then {@code other}), budget refusals and
 * stops by kind. Never by agent or task: those are {@code GET /api/usage}'s.
 */
@Component
class UsageMetrics {

	static final int MAX_CURRENCIES = 16;

	private final MeterRegistry meters;

	private final Counter inputTokens;

	private final Counter outputTokens;

	private final Set<String> currencies = ConcurrentHashMap.newKeySet();

	UsageMetrics(MeterRegistry meters) {
		this.meters = meters;
		this.inputTokens = tokens("input");
		this.outputTokens = tokens("output");
	}

	void counted(UsageReport usage) {
		if (usage.inputTokens() != null) {
			this.inputTokens.increment(usage.inputTokens());
		}
		if (usage.outputTokens() != null) {
			this.outputTokens.increment(usage.outputTokens());
		}
		if (usage.cost() != null) {
			String currency = usage.effectiveCurrency();
			if (!this.currencies.contains(currency)) {
				currency = (this.currencies.size() < MAX_CURRENCIES && this.currencies.add(currency)) ? currency
						: "other";
			}
			Counter.builder("nexus.usage.cost")
				.description("Money agents reported spending on tasks")
				.tag("currency", currency)
				.register(this.meters)
				.increment(usage.cost().doubleValue());
		}
	}

	void exceeded(String kind) {
		Counter.builder("nexus.budgets.exceeded")
			.description("Tasks stopped for a budget: kind task (its own budget) or scope (a spent scope budget)")
			.tag("kind", kind)
			.register(this.meters)
			.increment();
	}

	private Counter tokens(String kind) {
		return Counter.builder("nexus.usage.tokens")
			.description("Tokens agents reported using on tasks, by kind (input, output)")
			.tag("kind", kind)
			.register(this.meters);
	}

}
