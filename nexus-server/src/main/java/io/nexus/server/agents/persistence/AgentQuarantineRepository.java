package io.nexus.server.agents.persistence;

import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentQuarantine;
import io.nexus.server.shared.SqlTimes;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The rows of {@code agent_quarantines}. They are read with their agents
 * ({@link AgentRepository}); here they are written.
 */
@Repository
public class AgentQuarantineRepository {

	private final JdbcClient jdbc;

	public AgentQuarantineRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Puts an agent in quarantine, or replaces its quarantine.
	 * @param id the agent
	 * @param quarantine why
	 * @return {@code false} if there is no such agent
	 */
	public boolean quarantine(AgentId id, AgentQuarantine quarantine) {
		this.jdbc.sql("DELETE FROM agent_quarantines WHERE agent_id = :id").param("id", id.value()).update();
		int inserted = this.jdbc
			.sql("""
					INSERT INTO agent_quarantines (agent_id, reason, detail, evidence, since, cooldown_until, trips, actor)
					SELECT id, :reason, :detail, :evidence, :since, :cooldownUntil, :trips, :actor FROM agents WHERE id = :id""")
			.param("id", id.value())
			.param("reason", quarantine.reason().wireName())
			.param("detail", quarantine.detail())
			.param("evidence", quarantine.evidence())
			.param("since", SqlTimes.toDb(quarantine.since()))
			.param("cooldownUntil", SqlTimes.toDb(quarantine.cooldownUntil()))
			.param("trips", quarantine.trips())
			.param("actor", quarantine.actor())
			.update();
		return inserted > 0;
	}

	/**
	 * Takes an agent out of quarantine.
	 * @param id the agent
	 * @return {@code false} if it was not in quarantine
	 */
	public boolean release(AgentId id) {
		return this.jdbc.sql("DELETE FROM agent_quarantines WHERE agent_id = :id").param("id", id.value()).update() > 0;
	}

	/**
	 * How many agents are in quarantine.
	 * @return the count
	 */
	public long countQuarantined() {
		return this.jdbc.sql("SELECT COUNT(*) FROM agent_quarantines").query(Long.class).single();
	}

}
