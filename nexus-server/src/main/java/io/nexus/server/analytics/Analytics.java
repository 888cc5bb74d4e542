package io.nexus.server.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The analytics façade: read-only figures over {@code tasks}, {@code task_events} and
 * {@code task_capabilities}. The SQL only selects the rows of a range; the arithmetic
 * (buckets, percentiles) happens here, so the same code runs on H2 and PostgreSQL. Each
 * query reads at most {@value #MAX_ROWS} rows.
 */
@Service
public class Analytics {

	/** The most rows one query reads. */
	public static final int MAX_ROWS = 50_000;

	private final JdbcClient jdbc;

	Analytics(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Completed and failed tasks per bucket: buckets start at {@code from} rounded down
	 * to the bucket size and cover the range up to {@code to}.
	 * @param from the start
	 * @param to the end (exclusive)
	 * @param bucket the bucket size, at least a second
	 * @param agentId only this agent's tasks, or {@code null} for all
	 * @return the buckets
	 */
	@Transactional(readOnly = true)
	public Throughput throughput(Instant from, Instant to, Duration bucket, @Nullable String agentId) {
		long size = Math.max(1, bucket.toSeconds());
		Instant start = Instant.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), size) * size);
		int count = (int) Math.max(1, (Duration.between(start, to).toSeconds() + size - 1) / size);
		long[] completed = new long[count];
		long[] failed = new long[count];
		this.jdbc.sql("""
				SELECT status, finished_at FROM tasks
				WHERE status IN ('completed', 'failed') AND finished_at >= :from AND finished_at < :to
				  AND (CAST(:agent AS VARCHAR(64)) IS NULL OR assigned_agent_id = :agent)
				""")
			.param("from", SqlTimes.toDb(from))
			.param("to", SqlTimes.toDb(to))
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
		List<Throughput.Bucket> buckets = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			buckets.add(new Throughput.Bucket(start.plusSeconds(i * size), completed[i], failed[i]));
		}
		return new Throughput(start, to, Duration.ofSeconds(size), buckets);
	}

	/**
	 * How many tasks were created, and reached each terminal state, since a time.
	 * @param since the start
	 * @return counts by {@code created}, {@code completed}, {@code failed},
	 * {@code cancelled}
	 */
	@Transactional(readOnly = true)
	public Map<String, Long> totals(Instant since) {
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
	 * Run times and estimate against actual, per category, of tasks completed in a range.
	 * @param from the start
	 * @param to the end (exclusive)
	 * @return one entry per category, busiest first
	 */
	@Transactional(readOnly = true)
	public List<CategoryDurations> durationsByCategory(Instant from, Instant to) {
		Map<String, List<Double>> runs = new TreeMap<>();
		Map<String, List<Double>> estimates = new HashMap<>();
		Map<String, List<Double>> actuals = new HashMap<>();
		this.jdbc.sql("""
				SELECT category, started_at, finished_at, estimated_duration, actual_duration FROM tasks
				WHERE status = 'completed' AND finished_at >= :from AND finished_at < :to AND started_at IS NOT NULL
				ORDER BY finished_at DESC LIMIT 50000
				""").param("from", SqlTimes.toDb(from)).param("to", SqlTimes.toDb(to)).query((rs) -> {
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
		List<CategoryDurations> result = new ArrayList<>();
		runs.forEach((category,
				values) -> result.add(new CategoryDurations(category, Percentiles.of(values),
						average(estimates.getOrDefault(category, List.of())),
						average(actuals.getOrDefault(category, List.of())))));
		result.sort((a, b) -> Long.compare(b.run().count(), a.run().count()));
		return result;
	}

	/**
	 * Outcomes and busy time per agent, from the task history.
	 * @param since the start
	 * @param now the end
	 * @param slots each agent's slot count, for utilization
	 * @return one entry per agent that finished or ran something, busiest first
	 */
	@Transactional(readOnly = true)
	public List<AgentStats> agents(Instant since, Instant now, Map<String, Integer> slots) {
		Map<String, long[]> outcomes = new TreeMap<>();
		outcomesByAgent(since, now.plusMillis(1))
			.forEach((outcome) -> outcomes.put(outcome.key(), new long[] { outcome.completed(), outcome.failed() }));
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
	 * How the attempts of each agent ended in a range, from the task history: a task that
	 * failed on one agent and completed on another counts for both.
	 * @param from the start
	 * @param to the end (exclusive)
	 * @return one entry per agent, by agent id
	 */
	@Transactional(readOnly = true)
	public List<Outcomes> outcomesByAgent(Instant from, Instant to) {
		Map<String, long[]> counts = new TreeMap<>();
		this.jdbc.sql("""
				SELECT agent_id, to_status, COUNT(*) AS n FROM task_events
				WHERE to_status IN ('completed', 'failed') AND agent_id IS NOT NULL
				  AND occurred_at >= :from AND occurred_at < :to
				GROUP BY agent_id, to_status
				""").param("from", SqlTimes.toDb(from)).param("to", SqlTimes.toDb(to)).query((rs) -> {
			counts.computeIfAbsent(rs.getString("agent_id"),
					(key) -> new long[2])["completed".equals(rs.getString("to_status")) ? 0 : 1] += rs.getLong("n");
		});
		return toOutcomes(counts);
	}

	/**
	 * How the tasks needing each capability ended in a range; a task that needs several
	 * counts under each, one that needs none under {@code (none)}.
	 * @param from the start
	 * @param to the end (exclusive)
	 * @return one entry per capability, by name
	 */
	@Transactional(readOnly = true)
	public List<Outcomes> outcomesByCapability(Instant from, Instant to) {
		Map<String, long[]> counts = new TreeMap<>();
		this.jdbc.sql("""
				SELECT COALESCE(c.capability, '(none)') AS capability, t.status, COUNT(*) AS n
				FROM tasks t LEFT JOIN task_capabilities c ON c.task_id = t.id
				WHERE t.status IN ('completed', 'failed') AND t.finished_at >= :from AND t.finished_at < :to
				GROUP BY COALESCE(c.capability, '(none)'), t.status
				""").param("from", SqlTimes.toDb(from)).param("to", SqlTimes.toDb(to)).query((rs) -> {
			counts.computeIfAbsent(rs.getString("capability"),
					(key) -> new long[2])["completed".equals(rs.getString("status")) ? 0 : 1] += rs.getLong("n");
		});
		return toOutcomes(counts);
	}

	/**
	 * How long ready tasks waited for an agent (queued to assigned), of tasks assigned in
	 * a range.
	 * @param from the start
	 * @param to the end (exclusive)
	 * @return the waits, seconds
	 */
	@Transactional(readOnly = true)
	public Percentiles dispatchLatency(Instant from, Instant to) {
		List<Double> waits = new ArrayList<>();
		this.jdbc.sql("""
				SELECT queued_at, assigned_at FROM tasks
				WHERE assigned_at >= :from AND assigned_at < :to AND queued_at IS NOT NULL
				  AND assigned_at >= queued_at LIMIT 50000
				""").param("from", SqlTimes.toDb(from)).param("to", SqlTimes.toDb(to)).query((rs) -> {
			waits.add(Duration
				.between(SqlTimes.requiredFromDb(rs, "queued_at"), SqlTimes.requiredFromDb(rs, "assigned_at"))
				.toMillis() / 1000.0);
		});
		return Percentiles.of(waits);
	}

	/**
	 * How long tasks ran (accepted to finished), of tasks completed or failed in a range.
	 * @param from the start
	 * @param to the end (exclusive)
	 * @return the run times, seconds
	 */
	@Transactional(readOnly = true)
	public Percentiles runTime(Instant from, Instant to) {
		List<Double> runs = new ArrayList<>();
		this.jdbc.sql("""
				SELECT started_at, finished_at FROM tasks
				WHERE status IN ('completed', 'failed') AND finished_at >= :from AND finished_at < :to
				  AND started_at IS NOT NULL AND finished_at >= started_at LIMIT 50000
				""").param("from", SqlTimes.toDb(from)).param("to", SqlTimes.toDb(to)).query((rs) -> {
			runs.add(Duration
				.between(SqlTimes.requiredFromDb(rs, "started_at"), SqlTimes.requiredFromDb(rs, "finished_at"))
				.toMillis() / 1000.0);
		});
		return Percentiles.of(runs);
	}

	/**
	 * Every agent's tasks of all time.
	 * @return by agent id; an agent without tasks is absent
	 */
	@Transactional(readOnly = true)
	public Map<String, AgentActivity> activityByAgent() {
		Map<String, AgentActivity> result = new HashMap<>();
		this.jdbc
			.sql("""
					SELECT assigned_agent_id AS agent,
					       SUM(CASE WHEN status IN ('assigned', 'in_progress', 'input_required') THEN 1 ELSE 0 END) AS active,
					       SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
					       SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed
					FROM tasks WHERE assigned_agent_id IS NOT NULL GROUP BY assigned_agent_id
					""")
			.query((rs) -> {
				result.put(rs.getString("agent"),
						new AgentActivity(rs.getLong("active"), rs.getLong("completed"), rs.getLong("failed")));
			});
		return result;
	}

	/**
	 * Tasks waiting to run, by the capabilities they need.
	 * @param limit how many capabilities at most
	 * @return capability to count, largest first; {@code (any agent)} for tasks that need
	 * none
	 */
	@Transactional(readOnly = true)
	public Map<String, Long> queueDepthByCapability(int limit) {
		Map<String, Long> result = new LinkedHashMap<>();
		this.jdbc.sql("""
				SELECT COALESCE(c.capability, '(any agent)') AS capability, COUNT(*) AS n
				FROM tasks t LEFT JOIN task_capabilities c ON c.task_id = t.id
				WHERE t.status IN ('pending', 'queued')
				GROUP BY COALESCE(c.capability, '(any agent)') ORDER BY n DESC, capability LIMIT :limit
				""").param("limit", limit).query((rs) -> {
			result.put(rs.getString("capability"), rs.getLong("n"));
		});
		return result;
	}

	/**
	 * The tasks that have waited longest to run (pending, awaiting approval or queued).
	 * @param limit how many
	 * @return oldest first
	 */
	@Transactional(readOnly = true)
	public List<TaskId> oldestWaiting(int limit) {
		return this.jdbc.sql(
				"SELECT id FROM tasks WHERE status IN ('pending', 'awaiting_approval', 'queued') ORDER BY created_at, seq LIMIT :limit")
			.param("limit", limit)
			.query(String.class)
			.list()
			.stream()
			.map(TaskId::new)
			.toList();
	}

	/**
	 * The latest failed tasks.
	 * @param limit how many
	 * @return newest first
	 */
	@Transactional(readOnly = true)
	public List<TaskId> recentFailures(int limit) {
		return this.jdbc.sql("SELECT id FROM tasks WHERE status = 'failed' ORDER BY finished_at DESC LIMIT :limit")
			.param("limit", limit)
			.query(String.class)
			.list()
			.stream()
			.map(TaskId::new)
			.toList();
	}

	private static List<Outcomes> toOutcomes(Map<String, long[]> counts) {
		List<Outcomes> result = new ArrayList<>();
		counts.forEach((key, value) -> result.add(new Outcomes(key, value[0], value[1])));
		return result;
	}

	private static @Nullable Double average(List<Double> values) {
		return values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
	}

}
