package io.nexus.server.tasks.persistence;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nexus.server.shared.SqlTimes;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Fair-share weights ({@code fairness_weights}) and the fair-share keys of the queue.
 */
@Repository
public class FairnessRepository {

	private final JdbcClient jdbc;

	public FairnessRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Map<String, Integer> weights() {
		Map<String, Integer> weights = new LinkedHashMap<>();
		this.jdbc.sql("SELECT fairness_key, weight FROM fairness_weights ORDER BY fairness_key").query((rs) -> {
			weights.put(rs.getString("fairness_key"), rs.getInt("weight"));
		});
		return weights;
	}

	/**
	 * Queued tasks per fair-share key, the busiest first.
	 * @param max how many keys at most
	 * @return the counts
	 */
	public Map<String, Long> queued(int max) {
		Map<String, Long> queued = new LinkedHashMap<>();
		this.jdbc
			.sql("SELECT fairness_key, COUNT(*) AS n FROM tasks WHERE status = 'queued' AND fairness_key IS NOT NULL "
					+ "GROUP BY fairness_key ORDER BY n DESC, fairness_key LIMIT :max")
			.param("max", max)
			.query((rs) -> {
				queued.put(rs.getString("fairness_key"), rs.getLong("n"));
			});
		return queued;
	}

	public void setWeight(String key, int weight, String actor, Instant now) {
		int updated = this.jdbc
			.sql("UPDATE fairness_weights SET weight = :weight, updated_by = :actor, updated_at = :now "
					+ "WHERE fairness_key = :key")
			.param("weight", weight)
			.param("actor", actor)
			.param("now", SqlTimes.toDb(now))
			.param("key", key)
			.update();
		if (updated == 0) {
			this.jdbc
				.sql("INSERT INTO fairness_weights (fairness_key, weight, updated_by, updated_at) "
						+ "VALUES (:key, :weight, :actor, :now)")
				.param("weight", weight)
				.param("actor", actor)
				.param("now", SqlTimes.toDb(now))
				.param("key", key)
				.update();
		}
	}

	public boolean deleteWeight(String key) {
		return this.jdbc.sql("DELETE FROM fairness_weights WHERE fairness_key = :key").param("key", key).update() == 1;
	}

	public long countWeights() {
		return this.jdbc.sql("SELECT COUNT(*) FROM fairness_weights").query(Long.class).single();
	}

}
