package io.nexus.server.dashboard;

import java.time.Instant;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentQuery;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.analytics.AgentStats;
import io.nexus.server.shared.PageRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The analytics page: outcomes, throughput, durations, agents and dispatch latency over a
 * chosen time range.
 */
@Controller
class AnalyticsController {

	private final AnalyticsQueries analytics;

	private final AgentRegistry agents;

	private final Charts charts;

	private final Clock clock;

	AnalyticsController(AnalyticsQueries analytics, AgentRegistry agents, Charts charts, Clock clock) {
		this.analytics = analytics;
		this.agents = agents;
		this.charts = charts;
		this.clock = clock;
	}

	@GetMapping("/analytics")
	String analytics(@RequestParam(required = false) @Nullable String range, Model model) {
		TimeRange selected = TimeRange.parse(range);
		Instant now = this.clock.instant();
		Instant since = now.minus(selected.length());
		Map<String, Long> totals = this.analytics.totals(since);
		long finished = totals.get("completed") + totals.get("failed") + totals.get("cancelled");
		Series series = this.analytics.throughput(now, selected.length(), selected.bucket());
		List<CategoryStats> categories = this.analytics.durationsByCategory(since);
		Map<String, Integer> slots = new HashMap<>();
		for (Agent agent : this.agents
			.list(new AgentQuery(null, null, null), new PageRequest(PageRequest.MAX_LIMIT, null))
			.items()) {
			slots.put(agent.id().value(), agent.maxConcurrency());
		}
		List<AgentStats> agentStats = this.analytics.agents(since, now, slots);
		model.addAttribute("page", "analytics");
		model.addAttribute("range", selected.id());
		model.addAttribute("ranges",
				List.of(TimeRange.values()).stream().map((r) -> Map.of("id", r.id(), "label", r.label())).toList());
		model.addAttribute("totals", totals);
		model.addAttribute("completionRate",
				(finished == 0) ? null : Math.round(100.0 * totals.get("completed") / finished));
		model.addAttribute("perHour",
				String.format(java.util.Locale.ROOT, "%.1f", (totals.get("completed") + totals.get("failed"))
						/ Math.max(1.0, selected.length().toMinutes() / 60.0)));
		model.addAttribute("throughputChart", this.charts.throughput(series));
		model.addAttribute("completionChart", this.charts.completionRate(series));
		model.addAttribute("categories", categories);
		Map<String, Object> none = Map.of();
		model.addAttribute("estimateChart",
				this.charts.chart("bar", categories.stream().map(CategoryStats::category).toList(),
						List.of(Charts.dataset("Estimated (min)", "muted",
								categories.stream().map(CategoryStats::estimatedMinutes).toList()),
								Charts.dataset("Actual (min)", "accent",
										categories.stream().map(CategoryStats::actualMinutes).toList())),
						none));
		model.addAttribute("agentStats", agentStats);
		Map<String, Long> utilization = new LinkedHashMap<>();
		agentStats.forEach((stats) -> utilization.put(stats.agentId(), (long) stats.utilization()));
		model.addAttribute("utilizationChart", this.charts.distribution("Utilization %", utilization, "accent"));
		model.addAttribute("latency", this.analytics.dispatchLatency(since));
		return "dashboard/analytics";
	}

}
