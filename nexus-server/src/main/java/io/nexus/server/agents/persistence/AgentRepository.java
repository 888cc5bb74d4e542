package io.nexus.server.agents.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentQuarantine;
import io.nexus.server.agents.AgentQuery;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores agents and their capabilities with plain SQL that runs on H2 and PostgreSQL.
 */
@Repository
public class AgentRepository {

	private static final TypeReference<List<String>> SCOPE = new TypeReference<>() {
	};

	private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {
	};

	private static final String COLUMNS = "a.seq, a.id, a.name, a.status, a.priority_score, a.max_concurrency, "
			+ "a.labels, a.online, a.cpu_usage, a.memory_usage, a.last_seen_at, a.created_at, a.updated_at, "
			+ "(SELECT k.capabilities FROM enrollment_keys k WHERE k.id = a.enrollment_key_id) AS enrollment_scope, "
			+ "q.reason AS q_reason, q.detail AS q_detail, q.evidence AS q_evidence, q.since AS q_since, "
			+ "q.cooldown_until AS q_cooldown_until, q.trips AS q_trips, q.actor AS q_actor";

	private static final String FROM = " FROM agents a LEFT JOIN agent_quarantines q ON q.agent_id = a.id";

	/**
	 * What disconnecting does to a row: the agent's reconnect grace starts at
	 * {@code :now}; a status that says it is working becomes {@code offline}, while
	 * operators' holds (paused, draining, maintenance) stay.
	 */
	private static final String OFFLINE = "online = FALSE, node_id = NULL, disconnected_at = :now, "
			+ "status = CASE WHEN status IN ('active', 'idle', 'busy', 'error') THEN 'offline' ELSE status END";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	public AgentRepository(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	public void insert(Agent agent, String tokenHash) {
		this.jdbc.sql("""
				INSERT INTO agents (id, name, status, priority_score, max_concurrency, labels, token_hash, online,
				                    created_at, updated_at)
				VALUES (:id, :name, :status, :priorityScore, :maxConcurrency, :labels, :tokenHash, FALSE,
				        :createdAt, :updatedAt)
				""")
			.param("id", agent.id().value())
			.param("name", agent.name())
			.param("status", agent.status().wireName())
			.param("priorityScore", agent.priorityScore())
			.param("maxConcurrency", agent.maxConcurrency())
			.param("labels", this.json.writeValueAsString(agent.labels()))
			.param("tokenHash", tokenHash)
			.param("createdAt", SqlTimes.toDb(agent.createdAt()))
			.param("updatedAt", SqlTimes.toDb(agent.updatedAt()))
			.update();
		replaceCapabilities(agent.id(), agent.capabilities());
	}

	public void update(Agent agent) {
		this.jdbc.sql("""
				UPDATE agents SET name = :name, status = :status, priority_score = :priorityScore,
				       max_concurrency = :maxConcurrency, labels = :labels, cpu_usage = :cpuUsage,
				       memory_usage = :memoryUsage, last_seen_at = :lastSeenAt, updated_at = :updatedAt
				WHERE id = :id
				""")
			.param("id", agent.id().value())
			.param("name", agent.name())
			.param("status", agent.status().wireName())
			.param("priorityScore", agent.priorityScore())
			.param("maxConcurrency", agent.maxConcurrency())
			.param("labels", this.json.writeValueAsString(agent.labels()))
			.param("cpuUsage", agent.cpuUsage())
			.param("memoryUsage", agent.memoryUsage())
			.param("lastSeenAt", SqlTimes.toDb(agent.lastSeenAt()))
			.param("updatedAt", SqlTimes.toDb(agent.updatedAt()))
			.update();
	}

	public Optional<AgentId> findIdByTokenHash(String tokenHash) {
		return this.jdbc.sql("SELECT id FROM agents WHERE token_hash = :hash")
			.param("hash", tokenHash)
			.query((rs, rowNum) -> new AgentId(rs.getString("id")))
			.optional();
	}

	public Optional<String> tokenHash(AgentId id) {
		return this.jdbc.sql("SELECT token_hash FROM agents WHERE id = :id")
			.param("id", id.value())
			.query(String.class)
			.optional();
	}

	public void updateTokenHash(AgentId id, String tokenHash) {
		this.jdbc.sql("UPDATE agents SET token_hash = :hash WHERE id = :id")
			.param("id", id.value())
			.param("hash", tokenHash)
			.update();
	}

	public void setEnrollmentKey(AgentId id, String keyId) {
		this.jdbc.sql("UPDATE agents SET enrollment_key_id = :key WHERE id = :id")
			.param("id", id.value())
			.param("key", keyId)
			.update();
	}

	public void setStatus(AgentId id, AgentStatus status, Instant now) {
		this.jdbc.sql("UPDATE agents SET status = :status, updated_at = :now WHERE id = :id")
			.param("id", id.value())
			.param("status", status.wireName())
			.param("now", SqlTimes.toDb(now))
			.update();
	}

	/**
	 * The agents in quarantine, longest first.
	 * @param limit the most to return
	 * @return the agents
	 */
	public List<Agent> findQuarantined(int limit) {
		return load("SELECT " + COLUMNS + FROM + " WHERE q.agent_id IS NOT NULL ORDER BY q.since, a.id LIMIT :limit",
				Map.of("limit", limit));
	}

	/**
	 * Marks an agent connected to a node, unless that node has stopped or was declared
	 * dead; an agent that was {@code offline} becomes {@code active} again (operators'
	 * statuses stay as they are).
	 * @param id the agent
	 * @param nodeId the node that holds its connection
	 * @param now the time
	 * @return whether the agent was marked (the node is live)
	 */
	public boolean setOnline(AgentId id, String nodeId, Instant now) {
		return this.jdbc.sql("""
				UPDATE agents SET online = TRUE, node_id = :node, last_seen_at = :now, disconnected_at = NULL,
				       status = CASE WHEN status = 'offline' THEN 'active' ELSE status END
				WHERE id = :id
				  AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = :node AND n.state IN ('stopped', 'dead'))
				""").param("id", id.value()).param("node", nodeId).param("now", SqlTimes.toDb(now)).update() > 0;
	}

	/**
	 * Marks an agent disconnected if the given node still holds it, which starts its
	 * reconnect grace; an agent already connected to another node is left alone.
	 * @param id the agent
	 * @param nodeId the node whose connection closed
	 * @param now the time, the start of its reconnect grace
	 * @return whether the agent was marked
	 */
	public boolean setOffline(AgentId id, String nodeId, Instant now) {
		return this.jdbc.sql("UPDATE agents SET " + OFFLINE + " WHERE id = :id AND node_id = :node")
			.param("id", id.value())
			.param("node", nodeId)
			.param("now", SqlTimes.toDb(now))
			.update() > 0;
	}

	/**
	 * Marks offline every agent a node held, as when that node is declared dead.
	 * @param nodeId the node
	 * @param since when they lost their node: the start of their reconnect grace
	 * @return how many agents were marked
	 */
	public List<AgentId> onlineOnNode(String nodeId) {
		return this.jdbc.sql("SELECT id FROM agents WHERE node_id = :node AND online = TRUE")
			.param("node", nodeId)
			.query((rs, rowNum) -> new AgentId(rs.getString("id")))
			.list();
	}

	public int setOfflineOnNode(String nodeId, Instant since) {
		return this.jdbc.sql("UPDATE agents SET " + OFFLINE + " WHERE node_id = :node AND online = TRUE")
			.param("node", nodeId)
			.param("now", SqlTimes.toDb(since))
			.update();
	}

	/**
	 * Marks offline the agents online without a node: rows written before node membership
	 * existed (an upgrade), whose connections cannot have survived the restart.
	 * @param now the time
	 * @return how many agents were marked
	 */
	public int setOfflineWithoutNode(Instant now) {
		return this.jdbc.sql("UPDATE agents SET " + OFFLINE + " WHERE node_id IS NULL AND online = TRUE")
			.param("now", SqlTimes.toDb(now))
			.update();
	}

	/**
	 * How many online agents each node holds.
	 * @return agent counts by node id
	 */
	public Map<String, Long> countOnlineByNode() {
		Map<String, Long> counts = new HashMap<>();
		this.jdbc
			.sql("SELECT node_id, COUNT(*) AS n FROM agents WHERE online = TRUE AND node_id IS NOT NULL "
					+ "GROUP BY node_id")
			.query((rs) -> {
				counts.put(rs.getString("node_id"), rs.getLong("n"));
			});
		return counts;
	}

	public void recordHeartbeat(AgentId id, @Nullable Double cpuUsage, @Nullable Double memoryUsage, Instant now) {
		this.jdbc.sql("""
				UPDATE agents SET cpu_usage = COALESCE(:cpu, cpu_usage), memory_usage = COALESCE(:memory, memory_usage),
				       last_seen_at = :now
				WHERE id = :id
				""")
			.param("id", id.value())
			.param("cpu", cpuUsage)
			.param("memory", memoryUsage)
			.param("now", SqlTimes.toDb(now))
			.update();
	}

	/**
	 * Agents that are not connected and have been away since before the given time.
	 * @param before the cut-off
	 * @return their ids
	 */
	public List<AgentId> offlineSince(Instant before) {
		return this.jdbc
			.sql("SELECT id FROM agents WHERE online = FALSE AND disconnected_at IS NOT NULL "
					+ "AND disconnected_at < :before")
			.param("before", SqlTimes.toDb(before))
			.query((rs, rowNum) -> new AgentId(rs.getString("id")))
			.list();
	}

	public void replaceCapabilities(AgentId id, Collection<String> capabilities) {
		this.jdbc.sql("DELETE FROM agent_capabilities WHERE agent_id = :id").param("id", id.value()).update();
		for (String capability : capabilities) {
			this.jdbc.sql("INSERT INTO agent_capabilities (agent_id, capability) VALUES (:id, :capability)")
				.param("id", id.value())
				.param("capability", capability)
				.update();
		}
	}

	public boolean delete(AgentId id) {
		return this.jdbc.sql("DELETE FROM agents WHERE id = :id").param("id", id.value()).update() > 0;
	}

	public boolean exists(AgentId id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM agents WHERE id = :id")
			.param("id", id.value())
			.query(Long.class)
			.single() > 0;
	}

	public Optional<Agent> findById(AgentId id) {
		List<Agent> found = load("SELECT " + COLUMNS + FROM + " WHERE a.id = :id", Map.of("id", id.value()));
		return found.stream().findFirst();
	}

	public List<Agent> find(AgentQuery query, PageRequest page) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + " WHERE 1 = 1");
		Map<String, Object> params = new HashMap<>();
		if (query.status() != null) {
			sql.append(" AND a.status = :status");
			params.put("status", query.status().wireName());
		}
		if (query.online() != null) {
			sql.append(" AND a.online = :online");
			params.put("online", query.online());
		}
		if (query.capability() != null) {
			sql.append(" AND EXISTS (SELECT 1 FROM agent_capabilities c WHERE c.agent_id = a.id"
					+ " AND c.capability = :capability)");
			params.put("capability", query.capability());
		}
		if (page.afterSeq() != null) {
			sql.append(" AND a.seq < :afterSeq");
			params.put("afterSeq", page.afterSeq());
		}
		sql.append(" ORDER BY a.seq DESC LIMIT :limit");
		params.put("limit", page.limit() + 1);
		return load(sql.toString(), params);
	}

	public Map<String, Long> countByOnline() {
		Map<String, Long> counts = new HashMap<>();
		this.jdbc.sql("SELECT online, COUNT(*) AS n FROM agents GROUP BY online").query((rs) -> {
			counts.put(rs.getBoolean("online") ? "online" : "offline", rs.getLong("n"));
		});
		return counts;
	}

	public Map<AgentStatus, Long> countByStatus() {
		Map<AgentStatus, Long> counts = new EnumMap<>(AgentStatus.class);
		for (AgentStatus status : AgentStatus.values()) {
			counts.put(status, 0L);
		}
		this.jdbc.sql("SELECT status, COUNT(*) AS n FROM agents GROUP BY status").query((rs) -> {
			counts.put(AgentStatus.fromWireName(rs.getString("status")), rs.getLong("n"));
		});
		return counts;
	}

	private List<Agent> load(String sql, Map<String, Object> params) {
		List<Row> rows = this.jdbc.sql(sql).params(params).query(this::row).list();
		if (rows.isEmpty()) {
			return List.of();
		}
		Map<String, List<String>> capabilities = capabilitiesOf(rows.stream().map(Row::id).toList());
		List<Agent> agents = new ArrayList<>(rows.size());
		for (Row row : rows) {
			agents.add(row.toAgent(capabilities.getOrDefault(row.id(), List.of()),
					this.json.readValue(row.labels(), LABELS),
					(row.enrollmentScope() != null) ? this.json.readValue(row.enrollmentScope(), SCOPE) : null));
		}
		return agents;
	}

	private Map<String, List<String>> capabilitiesOf(List<String> ids) {
		Map<String, List<String>> result = new LinkedHashMap<>();
		this.jdbc
			.sql("SELECT agent_id, capability FROM agent_capabilities WHERE agent_id IN (:ids) "
					+ "ORDER BY agent_id, capability")
			.param("ids", ids)
			.query((rs) -> {
				result.computeIfAbsent(rs.getString("agent_id"), (key) -> new ArrayList<>())
					.add(rs.getString("capability"));
			});
		return result;
	}

	private Row row(ResultSet rs, int rowNum) throws SQLException {
		return new Row(rs.getLong("seq"), rs.getString("id"), rs.getString("name"), rs.getString("status"),
				rs.getInt("priority_score"), rs.getInt("max_concurrency"), rs.getString("labels"),
				rs.getBoolean("online"), nullableDouble(rs, "cpu_usage"), nullableDouble(rs, "memory_usage"),
				SqlTimes.fromDb(rs, "last_seen_at"), SqlTimes.requiredFromDb(rs, "created_at"),
				SqlTimes.requiredFromDb(rs, "updated_at"), rs.getString("enrollment_scope"), quarantine(rs));
	}

	private static @Nullable AgentQuarantine quarantine(ResultSet rs) throws SQLException {
		String reason = rs.getString("q_reason");
		if (reason == null) {
			return null;
		}
		return new AgentQuarantine(AgentQuarantine.Reason.fromWireName(reason), rs.getString("q_detail"),
				rs.getString("q_evidence"), SqlTimes.requiredFromDb(rs, "q_since"),
				SqlTimes.fromDb(rs, "q_cooldown_until"), rs.getInt("q_trips"), rs.getString("q_actor"));
	}

	private static @Nullable Double nullableDouble(ResultSet rs, String column) throws SQLException {
		double value = rs.getDouble(column);
		return rs.wasNull() ? null : value;
	}

	private record Row(long seq, String id, String name, String status, int priorityScore, int maxConcurrency,
			String labels, boolean online, @Nullable Double cpuUsage, @Nullable Double memoryUsage,
			@Nullable Instant lastSeenAt, Instant createdAt, Instant updatedAt, @Nullable String enrollmentScope,
			@Nullable AgentQuarantine quarantine) {

		Agent toAgent(List<String> capabilities, Map<String, String> parsedLabels, @Nullable List<String> scope) {
			return new Agent(new AgentId(this.id), this.name, AgentStatus.fromWireName(this.status), capabilities,
					this.priorityScore, this.maxConcurrency, parsedLabels, this.online, this.cpuUsage, this.memoryUsage,
					this.lastSeenAt, this.createdAt, this.updatedAt, this.seq, scope, this.quarantine);
		}

	}

}
