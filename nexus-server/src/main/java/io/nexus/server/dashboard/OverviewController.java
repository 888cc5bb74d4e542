package io.nexus.server.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The front door: the login page, the overview, and the live stream every page listens
 * to.
 */
@Controller
class OverviewController {

	private final OverviewQueries overview;

	private final AnalyticsQueries analytics;

	private final Charts charts;

	private final LiveUpdates live;

	private final Clock clock;

	OverviewController(OverviewQueries overview, AnalyticsQueries analytics, Charts charts, LiveUpdates live,
			Clock clock) {
		this.overview = overview;
		this.analytics = analytics;
		this.charts = charts;
		this.live = live;
		this.clock = clock;
	}

	@GetMapping("/login")
	String login() {
		return "dashboard/login";
	}

	@GetMapping("/")
	String overview(Model model) {
		Map<String, Long> byState = this.overview.tasksByState();
		Series day = this.analytics.throughput(this.clock.instant(), Duration.ofDays(1), Duration.ofHours(1));
		long finished = day.totalCompleted() + day.totalFailed();
		model.addAttribute("page", "overview");
		model.addAttribute("components", this.overview.components(this.live.subscribers()));
		model.addAttribute("agents", this.overview.agentCounts());
		model.addAttribute("byState", byState);
		model.addAttribute("totalTasks", byState.values().stream().mapToLong(Long::longValue).sum());
		model.addAttribute("completed24h", day.totalCompleted());
		model.addAttribute("failed24h", day.totalFailed());
		model.addAttribute("completionRate24h",
				(finished == 0) ? null : Math.round(100.0 * day.totalCompleted() / finished));
		model.addAttribute("throughputChart", this.charts.throughput(day));
		model.addAttribute("completionChart", this.charts.completionRate(day));
		Map<String, Long> depth = this.overview.queueDepthByCapability();
		model.addAttribute("queueDepth", depth);
		model.addAttribute("queueChart", this.charts.distribution("Waiting tasks", depth, "info"));
		model.addAttribute("waiting", this.overview.oldestWaiting(6));
		model.addAttribute("failures", this.overview.recentFailures(6));
		return "dashboard/overview";
	}

	@GetMapping("/dashboard/events")
	SseEmitter events() {
		return this.live.open();
	}

}
