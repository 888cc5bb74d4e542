package io.nexus.server.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Read-only analytics over {@code tasks} and {@code task_events}. The SQL only selects
 * rows of the range; arithmetic (buckets, percentiles) happens here, so the same code
 * runs on H2 and PostgreSQL. Ranges are capped at {@value #MAX_ROWS} rows per query.
 */
@Service
class AnalyticsQueries {

	static final int MAX_ROWS = 50_000;

	private final JdbcClient jdbc;

	AnalyticsQueries(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Completed and failed tasks per bucket, ending with the bucket that holds now.
	 * @param now the end
	 * @param length how far back
	 * @param bucket the bucket size
	 * @return the series
	 */
	@Transactional(readOnly = true)
	Series throughput(Instant now, Duration length, Duration bucket) {
		return throughput(now, length, bucket, null);
	}

	/**
	 * Like {@link #throughput(Instant, Duration, Duration)}, for one agent's tasks.
	 * @param now the end
	 * @param length how far back
	 * @param bucket the bucket size
	 * @param agentId the agent, or {@code null} for all
	 * @return the series
	 */
	@Transactional(readOnly = true)
	Series throughput(Instant now, Duration length, Duration bucket, @Nullable String agentId) {
		long size = bucket.toSeconds();
		Instant end = Instant.ofEpochSecond((now.getEpochSecond() / size + 1) * size);
		Instant start = end.minus(length);
		int count = (int) (length.toSeconds() / size);
		long[] completed = new long[count];
		long[] failed = new long[count];
		this.jdbc.sql("""
				SELECT status, finished_at FROM tasks
				WHERE status IN ('completed', 'failed') AND finished_at >= :start AND finished_at < :end
				  AND (CAST(:agent AS VARCHAR(64)) IS NULL OR assigned_agent_id = :agent)
				""")
			.param("start", SqlTimes.toDb(start))
			.param("end", SqlTimes.toDb(end))
			.param("agent", agentId)
			.query((rs) -> {
				Instant at = SqlTimes.requiredFromDb(rs, "finished_at");
				int index = (int) Math.min(count - 1, Duration.between(start, at).toSeconds() / size);
				if ("completed".equals(rs.getString("status"))) {
					completed[index]++;
				}
				else {
					failed[index]++;
				}
			});
		DateTimeFormatter format = DateTimeFormatter
			.ofPattern((size >= 86_400) ? "MMM d" : (size >= 43_200) ? "MMM d HH:mm" : "HH:mm", Locale.ROOT)
			.withZone(ZoneOffset.UTC);
		List<String> labels = new ArrayList<>();
		List<Long> done = new ArrayList<>();
		List<Long> lost = new ArrayList<>();
		List<Integer> rates = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			labels.add(format.format(start.plusSeconds(i * size)));
			done.add(completed[i]);
			lost.add(failed[i]);
			long finished = completed[i] + failed[i];
			rates.add((finished == 0) ? null : (int) Math.round(100.0 * completed[i] / finished));
		}
		return new Series(labels, done, lost, rates);
	}

	/**
	 * How many tasks were created, and reached each terminal state, in the range.
	 * @param since the start
	 * @return counts by {@code created}, {@code completed}, {@code failed},
	 * {@code cancelled}
	 */
	@Transactional(readOnly = true)
	Map<String, Long> totals(Instant since) {
		Map<String, Long> totals = new HashMap<>();
		totals.put("created",
				this.jdbc.sql("SELECT COUNT(*) FROM tasks WHERE created_at >= :since")
					.param("since", SqlTimes.toDb(since))
					.query(Long.class)
					.single());
		for (String status : List.of("completed", "failed", "cancelled")) {
			totals.put(status, 0L);
		}
		this.jdbc.sql("""
				SELECT status, COUNT(*) AS n FROM tasks
				WHERE status IN ('completed', 'failed', 'cancelled') AND finished_at >= :since GROUP BY status
				""").param("since", SqlTimes.toDb(since)).query((rs) -> {
			totals.put(rs.getString("status"), rs.getLong("n"));
		});
		return totals;
	}

	/**
	 * Run-time percentiles and estimate against actual, per category.
	 * @param since the start
	 * @return one entry per category, busiest first
	 */
	@Transactional(readOnly = true)
	List<CategoryStats> durationsByCategory(Instant since) {
		Map<String, List<Double>> runs = new TreeMap<>();
		Map<String, List<Double>> estimates = new HashMap<>();
		Map<String, List<Double>> actuals = new HashMap<>();
		this.jdbc.sql("""
				SELECT category, started_at, finished_at, estimated_duration, actual_duration FROM tasks
				WHERE status = 'completed' AND finished_at >= :since AND started_at IS NOT NULL
				ORDER BY finished_at DESC LIMIT 50000
				""").param("since", SqlTimes.toDb(since)).query((rs) -> {
			String category = (rs.getString("category") != null) ? rs.getString("category") : "(none)";
			double seconds = Duration
				.between(SqlTimes.requiredFromDb(rs, "started_at"), SqlTimes.requiredFromDb(rs, "finished_at"))
				.toMillis() / 1000.0;
			runs.computeIfAbsent(category, (key) -> new ArrayList<>()).add(seconds);
			int estimated = rs.getInt("estimated_duration");
			if (!rs.wasNull()) {
				estimates.computeIfAbsent(category, (key) -> new ArrayList<>()).add(estimated * 60.0);
			}
			int actual = rs.getInt("actual_duration");
			actuals.computeIfAbsent(category, (key) -> new ArrayList<>()).add(rs.wasNull() ? seconds : actual * 60.0);
		});
		List<CategoryStats> result = new ArrayList<>();
		runs.forEach((category, values) -> {
			List<Double> sorted = values.stream().sorted().toList();
			Double estimated = Durations.average(estimates.getOrDefault(category, List.of()));
			Double actual = Durations.average(actuals.getOrDefault(category, List.of()));
			result.add(new CategoryStats(category, sorted.size(), Durations.human(Durations.percentile(sorted, 50)),
					Durations.human(Durations.percentile(sorted, 90)),
					Durations.human(Durations.percentile(sorted, 99)), Durations.human(estimated),
					Durations.human(actual), minutes(estimated), minutes(actual)));
		});
		result.sort((a, b) -> Long.compare(b.count(), a.count()));
		return result;
	}

	/**
	 * Outcomes and busy time per agent, from the task history.
	 * @param since the start
	 * @param slots each agent's slot count, for utilization
	 * @return one entry per agent that finished something, busiest first
	 */
	@Transactional(readOnly = true)
	List<AgentStats> agents(Instant since, Instant now, Map<String, Integer> slots) {
		Map<String, long[]> outcomes = new TreeMap<>();
		this.jdbc.sql("""
				SELECT agent_id, to_status, COUNT(*) AS n FROM task_events
				WHERE to_status IN ('completed', 'failed') AND agent_id IS NOT NULL AND occurred_at >= :since
				GROUP BY agent_id, to_status
				""").param("since", SqlTimes.toDb(since)).query((rs) -> {
			long[] counts = outcomes.computeIfAbsent(rs.getString("agent_id"), (key) -> new long[2]);
			counts["completed".equals(rs.getString("to_status")) ? 0 : 1] += rs.getLong("n");
		});
		Map<String, Double> busy = new HashMap<>();
		this.jdbc.sql("""
				SELECT assigned_agent_id, started_at, finished_at FROM tasks
				WHERE assigned_agent_id IS NOT NULL AND started_at IS NOT NULL
				  AND (finished_at IS NULL OR finished_at >= :since) LIMIT 50000
				""").param("since", SqlTimes.toDb(since)).query((rs) -> {
			Instant from = SqlTimes.requiredFromDb(rs, "started_at");
			Instant to = SqlTimes.fromDb(rs, "finished_at");
			Instant clippedFrom = from.isBefore(since) ? since : from;
			Instant clippedTo = (to != null) ? to : now;
			double seconds = Math.max(0, Duration.between(clippedFrom, clippedTo).toMillis() / 1000.0);
			busy.merge(rs.getString("assigned_agent_id"), seconds, Double::sum);
			outcomes.computeIfAbsent(rs.getString("assigned_agent_id"), (key) -> new long[2]);
		});
		double window = Math.max(1, Duration.between(since, now).toSeconds());
		List<AgentStats> result = new ArrayList<>();
		outcomes.forEach((agent, counts) -> {
			long finished = counts[0] + counts[1];
			int rate = (finished == 0) ? 100 : (int) Math.round(100.0 * counts[0] / finished);
			double capacity = window * Math.max(1, slots.getOrDefault(agent, 1));
			int utilization = (int) Math.min(100, Math.round(100 * busy.getOrDefault(agent, 0.0) / capacity));
			result.add(new AgentStats(agent, counts[0], counts[1], rate, utilization));
		});
		result.sort((a, b) -> Long.compare(b.completed() + b.failed(), a.completed() + a.failed()));
		return result;
	}

	/**
	 * How long ready tasks waited for an agent: from queued to assigned.
	 * @param since the start
	 * @return {@code p50}, {@code p90}, {@code p99}, {@code max} as text, and
	 * {@code count}
	 */
	@Transactional(readOnly = true)
	Map<String, String> dispatchLatency(Instant since) {
		List<Double> waits = new ArrayList<>();
		this.jdbc.sql("""
				SELECT queued_at, assigned_at FROM tasks
				WHERE assigned_at >= :since AND queued_at IS NOT NULL AND assigned_at >= queued_at LIMIT 50000
				""").param("since", SqlTimes.toDb(since)).query((rs) -> {
			waits.add(Duration
				.between(SqlTimes.requiredFromDb(rs, "queued_at"), SqlTimes.requiredFromDb(rs, "assigned_at"))
				.toMillis() / 1000.0);
		});
		List<Double> sorted = waits.stream().sorted().toList();
		return Map.of("p50", Durations.human(Durations.percentile(sorted, 50)), "p90",
				Durations.human(Durations.percentile(sorted, 90)), "p99",
				Durations.human(Durations.percentile(sorted, 99)), "max",
				Durations.human(sorted.isEmpty() ? null : sorted.get(sorted.size() - 1)), "count",
				String.valueOf(sorted.size()));
	}

	private static double minutes(@Nullable Double seconds) {
		return (seconds != null) ? Math.round(seconds / 6.0) / 10.0 : 0;
	}

}
