package io.nexus.server.dashboard;

import java.math.RoundingMode;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.nexus.server.usage.Budget;
import io.nexus.server.usage.Budgets;
import io.nexus.server.usage.UsageStatistics;
import io.nexus.server.usage.UsageStatistics.Group;
import io.nexus.server.usage.UsageStatistics.GroupBy;
import io.nexus.server.usage.UsageStatistics.Summary;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The Usage page: tokens and cost that agents reported, over time and by a key, and the
 * budgets with how much of their period is used (marked at 80 % and when spent).
 */
@Controller
class UsagePagesController {

	private static final Map<String, Duration> RANGES = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7),
			"30d", Duration.ofDays(30));

	private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd").withZone(ZoneOffset.UTC);

	private final UsageStatistics statistics;

	private final Budgets budgets;

	private final Charts charts;

	UsagePagesController(UsageStatistics statistics, Budgets budgets, Charts charts) {
		this.statistics = statistics;
		this.budgets = budgets;
		this.charts = charts;
	}

	@GetMapping("/usage")
	String usage(@RequestParam(required = false) @Nullable String range,
			@RequestParam(name = "group_by", required = false) @Nullable String groupBy, Model model) {
		String rangeId = (range != null && RANGES.containsKey(range)) ? range : "24h";
		GroupBy by = (groupBy != null && GroupBy.fromWireName(groupBy) != null) ? GroupBy.fromWireName(groupBy)
				: GroupBy.AGENT;
		boolean hourly = !rangeId.equals("30d");
		Summary summary = this.statistics.summarize(by, RANGES.get(rangeId), hourly ? 1 : 24);
		DateTimeFormatter format = hourly ? HOUR : DAY;
		List<String> labels = summary.series().stream().map((bucket) -> format.format(bucket.start())).toList();
		model.addAttribute("page", "usage");
		model.addAttribute("range", rangeId);
		model.addAttribute("ranges", List.of("24h", "7d", "30d"));
		model.addAttribute("groupBy", by.wireName());
		model.addAttribute("groupBys", List.of(GroupBy.values()).stream().map(GroupBy::wireName).toList());
		model.addAttribute("total", summary.total());
		model.addAttribute("totalCost", cost(summary.total()));
		model.addAttribute("groups",
				summary.groups()
					.stream()
					.map((group) -> new GroupRow(group.key(), group.inputTokens(), group.outputTokens(), cost(group),
							group.reports()))
					.toList());
		model.addAttribute("tokensChart",
				this.charts.chart("bar", labels,
						List.of(Charts.dataset("Input tokens", "accent",
								summary.series().stream().map(UsageStatistics.Bucket::inputTokens).toList()),
								Charts.dataset("Output tokens", "ok",
										summary.series().stream().map(UsageStatistics.Bucket::outputTokens).toList())),
						Map.of("stacked", true)));
		List<Group> top = summary.groups().stream().limit(10).toList();
		model.addAttribute("groupChart",
				this.charts.chart("bar", top.stream().map(Group::key).toList(),
						List.of(Charts.dataset("Tokens", "accent",
								top.stream().map((group) -> group.inputTokens() + group.outputTokens()).toList())),
						Map.of("horizontal", true)));
		model.addAttribute("budgets", this.budgets.list().stream().map(this::row).toList());
		return "dashboard/usage";
	}

	private BudgetRow row(Budget budget) {
		Budgets.Status status = this.budgets.status(budget);
		long percent = Math.round(status.percentUsed());
		String state = status.spent() ? "spent" : (percent >= 80) ? "80 %" : "";
		return new BudgetRow(budget.id(), budget.name(), budget.describe(), status.periodKey(), percent, state,
				(status.resetAt() != null) ? status.resetAt().toString() : "");
	}

	private static String cost(Group group) {
		return group.cost()
			.entrySet()
			.stream()
			.map((entry) -> entry.getValue().setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
					+ " " + entry.getKey())
			.collect(Collectors.joining(", "));
	}

	/**
	 * A group as the page shows it.
	 *
	 * @param key the value of the key
	 * @param inputTokens input tokens
	 * @param outputTokens output tokens
	 * @param cost money per currency, in words
	 * @param reports how many reports
	 */
	record GroupRow(String key, long inputTokens, long outputTokens, String cost, long reports) {

	}

	/**
	 * A budget as the page shows it.
	 *
	 * @param id its id
	 * @param name its name
	 * @param description the budget in words
	 * @param period the current period
	 * @param percent the share used
	 * @param state {@code 80 %}, {@code spent} or empty
	 * @param resetAt when the period ends
	 */
	record BudgetRow(String id, String name, String description, @Nullable String period, long percent, String state,
			String resetAt) {

	}

}
