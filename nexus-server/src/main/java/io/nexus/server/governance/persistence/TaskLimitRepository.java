package io.nexus.server.governance.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.server.governance.TaskLimit;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.TaskKey;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code task_limits} table and the token buckets of the rate limits
 * ({@code task_limit_buckets}).
 */
@Repository
public class TaskLimitRepository {

	private final JdbcClient jdbc;

	public TaskLimitRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public List<TaskLimit> findAll() {
		return this.jdbc.sql("SELECT * FROM task_limits ORDER BY name").query(TaskLimitRepository::row).list();
	}

	public Optional<TaskLimit> findById(String id) {
		return this.jdbc.sql("SELECT * FROM task_limits WHERE id = :id")
			.param("id", id)
			.query(TaskLimitRepository::row)
			.optional();
	}

	public boolean nameTaken(String name, @Nullable String exceptId) {
		return this.jdbc.sql("SELECT COUNT(*) FROM task_limits WHERE name = :name AND id <> :id")
			.param("name", name)
			.param("id", (exceptId != null) ? exceptId : "")
			.query(Long.class)
			.single() > 0;
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM task_limits").query(Long.class).single();
	}

	public void insert(TaskLimit limit) {
		this.jdbc.sql("""
				INSERT INTO task_limits (id, name, limit_key, match_category, max_running, rate_per_second, burst,
				                         created_by, created_at, updated_at)
				VALUES (:id, :name, :key, :match, :maxRunning, :rate, :burst, :createdBy, :createdAt, :updatedAt)
				""").paramSource(params(limit)).update();
	}

	/**
	 * Changes a limit; a changed rate starts its buckets full again.
	 * @param limit the limit as it should be
	 * @return whether it existed
	 */
	public boolean update(TaskLimit limit) {
		this.jdbc.sql("DELETE FROM task_limit_buckets WHERE limit_id = :id").param("id", limit.id()).update();
		return this.jdbc.sql("""
				UPDATE task_limits SET name = :name, limit_key = :key, match_category = :match,
				       max_running = :maxRunning, rate_per_second = :rate, burst = :burst, updated_at = :updatedAt
				WHERE id = :id
				""").paramSource(params(limit)).update() == 1;
	}

	public boolean delete(String id) {
		return this.jdbc.sql("DELETE FROM task_limits WHERE id = :id").param("id", id).update() == 1;
	}

	/**
	 * Locks every limit until the transaction ends (in id order, so that rounds never
	 * wait on each other in a circle): dispatch rounds that count and spend under limits
	 * take turns, on every node.
	 */
	public void lockAll() {
		this.jdbc.sql("SELECT id FROM task_limits ORDER BY id FOR UPDATE").query(String.class).list();
	}

	/**
	 * How many tasks run (assigned or in progress) per value of the key and category.
	 * @param key the key
	 * @return one row per key value and category
	 */
	public List<Running> running(TaskKey key) {
		// the column is one of TaskKey's constants, never input
		String column = key.column();
		String sql = (key == TaskKey.CATEGORY) ? "SELECT t.category AS v, t.category AS c, COUNT(*) AS n FROM tasks t "
				+ "WHERE t.status IN ('assigned', 'in_progress', 'input_required') AND t.category IS NOT NULL GROUP BY t.category"
				: "SELECT " + column + " AS v, t.category AS c, COUNT(*) AS n FROM tasks t "
						+ "WHERE t.status IN ('assigned', 'in_progress', 'input_required') AND " + column
						+ " IS NOT NULL GROUP BY " + column + ", t.category";
		return this.jdbc.sql(sql)
			.query((rs, rowNum) -> new Running(rs.getString("v"), rs.getString("c"), rs.getInt("n")))
			.list();
	}

	public List<Bucket> buckets() {
		return this.jdbc.sql("SELECT limit_id, key_value, tokens, refilled_at FROM task_limit_buckets")
			.query((rs, rowNum) -> new Bucket(rs.getString("limit_id"), rs.getString("key_value"),
					rs.getDouble("tokens"), SqlTimes.requiredFromDb(rs, "refilled_at")))
			.list();
	}

	/**
	 * Stores a bucket; call only with the limits locked ({@link #lockAll}).
	 * @param bucket the bucket as it is now
	 */
	public void save(Bucket bucket) {
		int updated = this.jdbc
			.sql("UPDATE task_limit_buckets SET tokens = :tokens, refilled_at = :at "
					+ "WHERE limit_id = :limit AND key_value = :value")
			.param("tokens", bucket.tokens())
			.param("at", SqlTimes.toDb(bucket.refilledAt()))
			.param("limit", bucket.limitId())
			.param("value", bucket.value())
			.update();
		if (updated == 0) {
			this.jdbc
				.sql("INSERT INTO task_limit_buckets (limit_id, key_value, tokens, refilled_at) "
						+ "VALUES (:limit, :value, :tokens, :at)")
				.param("tokens", bucket.tokens())
				.param("at", SqlTimes.toDb(bucket.refilledAt()))
				.param("limit", bucket.limitId())
				.param("value", bucket.value())
				.update();
		}
	}

	private static MapSqlParameterSource params(TaskLimit limit) {
		return new MapSqlParameterSource().addValue("id", limit.id())
			.addValue("name", limit.name())
			.addValue("key", limit.key().wireName())
			.addValue("match", limit.matchCategory())
			.addValue("maxRunning", limit.maxRunning())
			.addValue("rate", limit.ratePerSecond())
			.addValue("burst", limit.burst())
			.addValue("createdBy", limit.createdBy())
			.addValue("createdAt", SqlTimes.toDb(limit.createdAt()))
			.addValue("updatedAt", SqlTimes.toDb(limit.updatedAt()));
	}

	private static TaskLimit row(ResultSet rs, int rowNum) throws SQLException {
		int maxRunning = rs.getInt("max_running");
		Integer max = rs.wasNull() ? null : maxRunning;
		double ratePerSecond = rs.getDouble("rate_per_second");
		Double rate = rs.wasNull() ? null : ratePerSecond;
		int burstSize = rs.getInt("burst");
		Integer burst = rs.wasNull() ? null : burstSize;
		return new TaskLimit(rs.getString("id"), rs.getString("name"), TaskKey.fromWireName(rs.getString("limit_key")),
				rs.getString("match_category"), max, rate, burst, rs.getString("created_by"),
				SqlTimes.requiredFromDb(rs, "created_at"), SqlTimes.requiredFromDb(rs, "updated_at"));
	}

	/**
	 * Running tasks of one key value and category.
	 *
	 * @param value the key value
	 * @param category their category, if any
	 * @param count how many
	 */
	public record Running(String value, @Nullable String category, int count) {

	}

	/**
	 * The token bucket of one key value of a rate limit.
	 *
	 * @param limitId the limit
	 * @param value the key value
	 * @param tokens tokens as of {@code refilledAt}
	 * @param refilledAt when
	 */
	public record Bucket(String limitId, String value, double tokens, Instant refilledAt) {

	}

}
