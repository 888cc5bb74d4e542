package io.nexus.server.agents.persistence;

import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentSample;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores agents' resource samples. Buckets are computed by the database from the epoch
 * seconds of each sample ({@code EXTRACT(EPOCH ...)}, which H2 and PostgreSQL share), so
 * a week of history leaves the database as a few hundred rows. The bucket number is an
 * integer division of whole seconds: H2 rounds the quotient of decimals, which put a
 * sample at the very end of a bucket into the next one.
 */
@Repository
public class AgentSampleRepository {

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	public AgentSampleRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	/**
	 * Inserts samples in one batch; samples of agents that no longer exist are skipped.
	 * @param samples the samples
	 */
	public void insertAll(List<Row> samples) {
		if (samples.isEmpty()) {
			return;
		}
		this.batch.batchUpdate("""
				INSERT INTO agent_samples (agent_id, sampled_at, cpu_percent, memory_percent, active_tasks)
				SELECT a.id, :sampledAt, :cpu, :memory, :activeTasks FROM agents a WHERE a.id = :agentId
				""",
				samples.stream()
					.map((sample) -> new MapSqlParameterSource().addValue("agentId", sample.agentId().value())
						.addValue("sampledAt", SqlTimes.toDb(sample.sampledAt()), Types.TIMESTAMP_WITH_TIMEZONE)
						.addValue("cpu", sample.cpuPercent(), Types.DOUBLE)
						.addValue("memory", sample.memoryPercent(), Types.DOUBLE)
						.addValue("activeTasks", sample.activeTasks(), Types.INTEGER))
					.toArray(SqlParameterSource[]::new));
	}

	/**
	 * An agent's history in buckets, oldest first; empty buckets are left out.
	 * @param agentId the agent
	 * @param start the start of the first bucket
	 * @param end the end of the last bucket
	 * @param bucket the bucket size
	 * @return one entry per bucket that holds samples
	 */
	public List<AgentSample> history(AgentId agentId, Instant start, Instant end, Duration bucket) {
		long bucketSeconds = bucket.toSeconds();
		return this.jdbc.sql("""
				SELECT b, AVG(cpu_percent) AS cpu, MAX(cpu_percent) AS cpu_max, AVG(memory_percent) AS memory,
				       MAX(memory_percent) AS memory_max, AVG(CAST(active_tasks AS DOUBLE PRECISION)) AS active,
				       MAX(active_tasks) AS active_max, COUNT(*) AS n
				FROM (SELECT (CAST(FLOOR(EXTRACT(EPOCH FROM sampled_at)) AS BIGINT) - :startEpoch) / :bucket AS b,
				             cpu_percent, memory_percent, active_tasks
				      FROM agent_samples
				      WHERE agent_id = :agentId AND sampled_at >= :start AND sampled_at < :end) s
				GROUP BY b ORDER BY b
				""")
			.param("startEpoch", start.getEpochSecond())
			.param("bucket", bucketSeconds)
			.param("agentId", agentId.value())
			.param("start", SqlTimes.toDb(start))
			.param("end", SqlTimes.toDb(end))
			.query((rs, rowNum) -> new AgentSample(start.plusSeconds(rs.getLong("b") * bucketSeconds),
					nullable(rs.getDouble("cpu"), rs.wasNull()), nullable(rs.getDouble("cpu_max"), rs.wasNull()),
					nullable(rs.getDouble("memory"), rs.wasNull()), nullable(rs.getDouble("memory_max"), rs.wasNull()),
					rs.getDouble("active"), rs.getInt("active_max"), rs.getInt("n")))
			.list();
	}

	public int deleteByAgent(AgentId agentId) {
		return this.jdbc.sql("DELETE FROM agent_samples WHERE agent_id = :agentId")
			.param("agentId", agentId.value())
			.update();
	}

	/**
	 * Deletes at most {@code limit} samples taken before a cutoff, so that a large
	 * backlog is removed in short transactions.
	 * @param cutoff samples before this go
	 * @param limit the most rows to delete
	 * @return how many were deleted
	 */
	public int deleteOlderThan(Instant cutoff, int limit) {
		return this.jdbc.sql("""
				DELETE FROM agent_samples WHERE seq IN
				    (SELECT seq FROM agent_samples WHERE sampled_at < :cutoff ORDER BY sampled_at LIMIT :limit)
				""").param("cutoff", SqlTimes.toDb(cutoff)).param("limit", limit).update();
	}

	private static @Nullable Double nullable(double value, boolean wasNull) {
		return wasNull ? null : value;
	}

	/**
	 * A sample to store.
	 *
	 * @param agentId the agent
	 * @param sampledAt when it was taken
	 * @param cpuPercent CPU use, percent
	 * @param memoryPercent memory use, percent
	 * @param activeTasks tasks the agent held
	 */
	public record Row(AgentId agentId, Instant sampledAt, @Nullable Double cpuPercent, @Nullable Double memoryPercent,
			int activeTasks) {

	}

}
