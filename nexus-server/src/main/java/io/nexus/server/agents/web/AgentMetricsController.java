package io.nexus.server.agents.web;

import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentSamples;
import io.nexus.server.agents.SampleRange;
import io.nexus.server.shared.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An agent's CPU, memory and load history, from the samples its heartbeats leave.
 */
@RestController
@RequestMapping("/api/agents")
@Tag(name = "Agents", description = "Register and manage agents")
class AgentMetricsController {

	private final AgentSamples samples;

	AgentMetricsController(AgentSamples samples) {
		this.samples = samples;
	}

	@GetMapping("/{id}/metrics")
	@Operation(summary = "Read an agent's CPU, memory and load history",
			description = "At most 240 points, each the average and peak of the samples in its bucket; buckets "
					+ "without samples are left out. An agent may read only its own.")
	AgentMetricsResponse metrics(@PathVariable String id,
			@Parameter(description = "1h, 6h, 24h or 7d") @RequestParam(required = false) @Nullable String range) {
		SampleRange wanted = (range != null) ? SampleRange.parse(range)
			.orElseThrow(
					() -> InvalidRequestException.badRequest("invalid_range", "range must be one of 1h, 6h, 24h, 7d"))
				: SampleRange.HOUR;
		return AgentMetricsResponse.of(this.samples.history(new AgentId(id), wanted));
	}

}
