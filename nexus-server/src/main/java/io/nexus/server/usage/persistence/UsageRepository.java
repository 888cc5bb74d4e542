package io.nexus.server.usage.persistence;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.protocol.frames.UsageReport;
import io.nexus.server.agents.AgentId;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskBudget;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskUsage;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What agents reported spending: the sums per task ({@code task_usage}), every report
 * ({@code usage_records}) and the sums over time by a key; and tasks' own budgets
 * ({@code task_budgets}, written with the task).
 */
@Repository
public class UsageRepository {

	/** What money is kept to: millionths. */
	public static final int COST_SCALE = 6;

	private final JdbcClient jdbc;

	public UsageRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<TaskUsage> find(TaskId id) {
		return this.jdbc.sql("SELECT * FROM task_usage WHERE task_id = :id")
			.param("id", id.value())
			.query((rs, n) -> new TaskUsage(rs.getLong("input_tokens"), rs.getLong("output_tokens"),
					rs.getBigDecimal("cost").setScale(COST_SCALE, RoundingMode.HALF_UP), rs.getString("currency"),
					rs.getString("model"), rs.getInt("reports"), SqlTimes.requiredFromDb(rs, "updated_at")))
			.optional();
	}

	/**
	 * A task's own budget as in force: the limits it was created with, times one plus the
	 * number of times a person granted more.
	 */
	public Optional<TaskBudget> findBudget(TaskId id) {
		return this.jdbc
			.sql("SELECT max_tokens, max_cost, currency, on_exceed, grants FROM task_budgets WHERE task_id = :id")
			.param("id", id.value())
			.query((rs, n) -> {
				long times = 1L + rs.getInt("grants");
				BigDecimal maxCost = rs.getBigDecimal("max_cost");
				return new TaskBudget((rs.getObject("max_tokens") != null) ? rs.getLong("max_tokens") * times : null,
						(maxCost != null) ? maxCost.multiply(BigDecimal.valueOf(times)) : null,
						rs.getString("currency"), TaskBudget.OnExceed.of(rs.getString("on_exceed")));
			})
			.optional();
	}

	/**
	 * Marks a task's own budget as waiting for a person to grant more.
	 */
	public void awaitGrant(TaskId id) {
		this.jdbc.sql("UPDATE task_budgets SET awaiting_grant = TRUE WHERE task_id = :id")
			.param("id", id.value())
			.update();
	}

	/**
	 * A person approved a task held for its budget: its limits grow by the amounts it was
	 * created with.
	 * @return whether the task was waiting for such a grant
	 */
	public boolean grant(TaskId id) {
		return this.jdbc
			.sql("UPDATE task_budgets SET grants = grants + 1, awaiting_grant = FALSE "
					+ "WHERE task_id = :id AND awaiting_grant = TRUE")
			.param("id", id.value())
			.update() == 1;
	}

	/**
	 * The wait for a grant ended otherwise (rejected, expired, cancelled).
	 */
	public void endGrantWait(TaskId id) {
		this.jdbc.sql("UPDATE task_budgets SET awaiting_grant = FALSE WHERE task_id = :id AND awaiting_grant = TRUE")
			.param("id", id.value())
			.update();
	}

	/**
	 * Adds a report to the task's sums; the caller holds the task's row lock.
	 * @param id the task
	 * @param usage the report
	 * @param now when
	 * @return the sums now
	 */
	public TaskUsage add(TaskId id, UsageReport usage, Instant now) {
		TaskUsage before = find(id).orElse(null);
		String currency = (before != null) ? before.currency() : usage.effectiveCurrency();
		BigDecimal cost = (usage.cost() != null && currency.equals(usage.effectiveCurrency())) ? scaled(usage.cost())
				: BigDecimal.ZERO.setScale(COST_SCALE);
		TaskUsage after = new TaskUsage(((before != null) ? before.inputTokens() : 0) + tokens(usage.inputTokens()),
				((before != null) ? before.outputTokens() : 0) + tokens(usage.outputTokens()),
				((before != null) ? before.cost() : BigDecimal.ZERO.setScale(COST_SCALE)).add(cost), currency,
				(usage.model() != null) ? usage.model() : (before != null) ? before.model() : null,
				((before != null) ? before.reports() : 0) + 1, now);
		String sql = (before == null)
				? """
						INSERT INTO task_usage (task_id, input_tokens, output_tokens, cost, currency, model, reports, updated_at)
						VALUES (:id, :input, :output, :cost, :currency, :model, :reports, :updatedAt)
						"""
				: """
						UPDATE task_usage SET input_tokens = :input, output_tokens = :output, cost = :cost, model = :model,
						       reports = :reports, updated_at = :updatedAt
						WHERE task_id = :id
						""";
		this.jdbc.sql(sql)
			.param("id", id.value())
			.param("input", after.inputTokens())
			.param("output", after.outputTokens())
			.param("cost", after.cost())
			.param("currency", after.currency())
			.param("model", after.model())
			.param("reports", after.reports())
			.param("updatedAt", SqlTimes.toDb(now))
			.update();
		return after;
	}

	/**
	 * Appends a report to the history that {@code GET /api/usage} sums.
	 * @param task the task
	 * @param agentId the agent that reported
	 * @param usage the report
	 * @param now when
	 */
	public void record(Task task, AgentId agentId, UsageReport usage, Instant now) {
		this.jdbc.sql("""
				INSERT INTO usage_records (task_id, agent_id, created_by, category, fairness_key, model, currency,
				                           input_tokens, output_tokens, cost, recorded_at, recorded_hour)
				VALUES (:task, :agent, :createdBy, :category, :fairnessKey, :model, :currency, :input, :output, :cost,
				        :at, :hour)
				""")
			.param("task", task.id().value())
			.param("agent", agentId.value())
			.param("createdBy", task.createdBy())
			.param("category", task.category())
			.param("fairnessKey", task.fairnessKey())
			.param("model", usage.model())
			.param("currency", usage.effectiveCurrency())
			.param("input", tokens(usage.inputTokens()))
			.param("output", tokens(usage.outputTokens()))
			.param("cost", (usage.cost() != null) ? scaled(usage.cost()) : BigDecimal.ZERO)
			.param("at", SqlTimes.toDb(now))
			.param("hour", now.getEpochSecond() / 3600)
			.update();
	}

	/**
	 * The sums of the reports of a time range by a key, and per time bucket.
	 * @param column the column to group by ({@code agent_id}, {@code created_by},
	 * {@code category}, {@code fairness_key} or {@code model}); never from a request
	 * @param fromHour the first hour since the epoch, inclusive
	 * @param toHour the last hour, exclusive
	 * @param bucketHours the hours of one bucket (1 or 24)
	 * @return one row per bucket, key and currency
	 */
	public List<Sum> sums(String column, long fromHour, long toHour, int bucketHours) {
		if (bucketHours != 1 && bucketHours != 24) {
			throw new IllegalArgumentException("buckets are 1 or 24 hours: " + bucketHours);
		}
		if (!List.of("agent_id", "created_by", "category", "fairness_key", "model").contains(column)) {
			throw new IllegalArgumentException("not a usage key: " + column);
		}
		// the bucket is a literal: PostgreSQL does not see two parameters as one
		// expression
		String bucket = "(recorded_hour / " + bucketHours + ") * " + bucketHours;
		return this.jdbc
			.sql("SELECT " + bucket + " AS bucket, " + column + " AS group_key, currency, "
					+ "SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost) AS cost, "
					+ "COUNT(*) AS reports, COUNT(DISTINCT task_id) AS tasks FROM usage_records "
					+ "WHERE recorded_hour >= :from AND recorded_hour < :to GROUP BY " + bucket + ", " + column
					+ ", currency")
			.param("from", fromHour)
			.param("to", toHour)
			.query((rs, n) -> new Sum(rs.getLong("bucket"), rs.getString("group_key"), rs.getString("currency"),
					rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getBigDecimal("cost"),
					rs.getLong("reports"), rs.getLong("tasks")))
			.list();
	}

	private static long tokens(@Nullable Long value) {
		return (value != null) ? value : 0;
	}

	private static BigDecimal scaled(BigDecimal cost) {
		return cost.setScale(COST_SCALE, RoundingMode.HALF_UP);
	}

	/**
	 * The sums of one bucket, key and currency.
	 *
	 * @param bucketHour the first hour of the bucket, since the epoch
	 * @param key the value of the key, or {@code null} for reports without one
	 * @param currency the currency of {@code cost}
	 * @param inputTokens input tokens
	 * @param outputTokens output tokens
	 * @param cost money
	 * @param reports how many reports
	 * @param tasks how many distinct tasks (within the bucket)
	 */
	public record Sum(long bucketHour, @Nullable String key, String currency, long inputTokens, long outputTokens,
			BigDecimal cost, long reports, long tasks) {

	}

}
