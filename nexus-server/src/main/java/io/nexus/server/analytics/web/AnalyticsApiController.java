package io.nexus.server.analytics.web;

import java.time.Clock;

import io.nexus.server.analytics.Analytics;
import io.nexus.server.analytics.web.AnalyticsResponses.AgentOutcome;
import io.nexus.server.analytics.web.AnalyticsResponses.CapabilityOutcome;
import io.nexus.server.analytics.web.AnalyticsResponses.LatencyResponse;
import io.nexus.server.analytics.web.AnalyticsResponses.PercentilesResponse;
import io.nexus.server.analytics.web.AnalyticsResponses.SuccessRateResponse;
import io.nexus.server.analytics.web.AnalyticsResponses.ThroughputResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/analytics}: throughput, latency and success rates over a time range, for
 * any signed-in user.
 */
@RestController
@RequestMapping("/api/analytics")
@Tag(name = "Analytics", description = "Throughput, latency and success rates over a time range")
class AnalyticsApiController {

	private static final String RANGE = "1h, 6h, 24h (default), 7d or 30d, ending now; or give from and to";

	private static final String INSTANT = "ISO-8601 instant, e.g. 2026-12-01T00:00:00Z; with the other bound, "
			+ "at most 31 days apart";

	private final Analytics analytics;

	private final Clock clock;

	AnalyticsApiController(Analytics analytics, Clock clock) {
		this.analytics = analytics;
		this.clock = clock;
	}

	@GetMapping("/throughput")
	@Operation(summary = "Tasks completed and failed per time bucket",
			description = "Buckets start at 'from' rounded down to the bucket size, chosen to give at most "
					+ "about 100 buckets.")
	ThroughputResponse throughput(
			@Parameter(description = RANGE) @RequestParam(required = false) @Nullable String range,
			@Parameter(description = INSTANT) @RequestParam(required = false) @Nullable String from,
			@Parameter(description = INSTANT) @RequestParam(required = false) @Nullable String to,
			@Parameter(description = "only this agent's tasks") @RequestParam(name = "agent_id",
					required = false) @Nullable String agentId) {
		AnalyticsRange selected = AnalyticsRange.parse(range, from, to, this.clock.instant());
		return ThroughputResponse
			.of(this.analytics.throughput(selected.from(), selected.to(), selected.bucket(), agentId), selected.from());
	}

	@GetMapping("/latency")
	@Operation(summary = "Dispatch latency and run time percentiles, in seconds")
	LatencyResponse latency(@Parameter(description = RANGE) @RequestParam(required = false) @Nullable String range,
			@Parameter(description = INSTANT) @RequestParam(required = false) @Nullable String from,
			@Parameter(description = INSTANT) @RequestParam(required = false) @Nullable String to) {
		AnalyticsRange selected = AnalyticsRange.parse(range, from, to, this.clock.instant());
		return new LatencyResponse(selected.from(), selected.to(),
				PercentilesResponse.of(this.analytics.dispatchLatency(selected.from(), selected.to())),
				PercentilesResponse.of(this.analytics.runTime(selected.from(), selected.to())));
	}

	@GetMapping("/success-rate")
	@Operation(summary = "Success rates by agent and by required capability")
	SuccessRateResponse successRate(
			@Parameter(description = RANGE) @RequestParam(required = false) @Nullable String range,
			@Parameter(description = INSTANT) @RequestParam(required = false) @Nullable String from,
			@Parameter(description = INSTANT) @RequestParam(required = false) @Nullable String to) {
		AnalyticsRange selected = AnalyticsRange.parse(range, from, to, this.clock.instant());
		return new SuccessRateResponse(selected.from(), selected.to(),
				this.analytics.outcomesByAgent(selected.from(), selected.to()).stream().map(AgentOutcome::of).toList(),
				this.analytics.outcomesByCapability(selected.from(), selected.to())
					.stream()
					.map(CapabilityOutcome::of)
					.toList());
	}

}
