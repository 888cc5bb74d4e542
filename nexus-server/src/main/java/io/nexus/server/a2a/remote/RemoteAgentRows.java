package io.nexus.server.a2a.remote;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.nexus.server.agents.AgentId;
import io.nexus.server.encryption.EncryptedColumns;
import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.encryption.KeyUsage;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The table {@code a2a_remote_agents}; the {@code Authorization} value sent to a remote
 * agent is encrypted at rest when encryption is on (and re-encrypted after a key
 * rotation, as {@link EncryptedColumns}).
 */
@Repository
class RemoteAgentRows implements EncryptedColumns {

	static final String AUTH_COLUMN = "a2a_remote_agents.auth_header";

	private static final String COLUMNS = """
			agent_id, card_url, rpc_url, streaming, card_json, card_etag, auth_header, auth_header_key_id,
			owner_node, claim_until, reachable, consecutive_failures, last_latency_ms, last_ok_at, last_error,
			created_by, created_at
			""";

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	private final TransactionTemplate transaction;

	RemoteAgentRows(JdbcClient jdbc, FieldCipher cipher, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.cipher = cipher;
		this.transaction = transaction;
	}

	void insert(RemoteAgent agent) {
		FieldCipher.Sealed auth = this.cipher.seal(agent.authorization(), AUTH_COLUMN, agent.agentId().value());
		this.jdbc.sql("INSERT INTO a2a_remote_agents (" + COLUMNS + """
				) VALUES (:id, :cardUrl, :rpcUrl, :streaming, :card, :etag, :auth, :authKey, NULL, NULL, :reachable,
				0, :latency, :okAt, NULL, :by, :at)
				""")
			.param("id", agent.agentId().value())
			.param("cardUrl", agent.cardUrl().toString())
			.param("rpcUrl", agent.rpcUrl().toString())
			.param("streaming", agent.streaming())
			.param("card", agent.cardJson())
			.param("etag", agent.cardEtag())
			.param("auth", auth.value())
			.param("authKey", auth.keyId())
			.param("reachable", agent.reachable())
			.param("latency", agent.lastLatencyMillis())
			.param("okAt", SqlTimes.toDb(agent.lastOkAt()))
			.param("by", agent.createdBy())
			.param("at", SqlTimes.toDb(agent.createdAt()))
			.update();
	}

	boolean existsByCardUrl(String cardUrl) {
		return this.jdbc.sql("SELECT COUNT(*) FROM a2a_remote_agents WHERE card_url = :url")
			.param("url", cardUrl)
			.query(Long.class)
			.single() > 0;
	}

	Optional<RemoteAgent> find(AgentId id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM a2a_remote_agents WHERE agent_id = :id")
			.param("id", id.value())
			.query(this::row)
			.optional();
	}

	List<RemoteAgent> list(int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM a2a_remote_agents ORDER BY created_at, agent_id LIMIT :limit")
			.param("limit", limit)
			.query(this::row)
			.list();
	}

	/**
	 * Claims for a node every remote agent that no live claim holds, and renews the
	 * claims it has.
	 * @param node the node
	 * @param now the time
	 * @param until when the claims end unless renewed
	 * @return the remote agents the node holds now
	 */
	List<RemoteAgent> claim(String node, Instant now, Instant until) {
		return this.transaction.execute((status) -> {
			this.jdbc.sql("""
					UPDATE a2a_remote_agents SET owner_node = :node, claim_until = :until
					WHERE owner_node = :node OR owner_node IS NULL OR claim_until IS NULL OR claim_until < :now
					""")
				.param("node", node)
				.param("until", SqlTimes.toDb(until))
				.param("now", SqlTimes.toDb(now))
				.update();
			return this.jdbc.sql("SELECT " + COLUMNS + " FROM a2a_remote_agents WHERE owner_node = :node")
				.param("node", node)
				.query(this::row)
				.list();
		});
	}

	/**
	 * Gives up a node's claims, so that another node takes its remote agents at once.
	 * @param node the node
	 */
	void release(String node) {
		this.jdbc.sql("UPDATE a2a_remote_agents SET owner_node = NULL, claim_until = NULL WHERE owner_node = :node")
			.param("node", node)
			.update();
	}

	void reachable(AgentId id, long latencyMillis, Instant at) {
		this.jdbc.sql("""
				UPDATE a2a_remote_agents SET reachable = TRUE, consecutive_failures = 0, last_latency_ms = :latency,
				       last_ok_at = :at
				WHERE agent_id = :id
				""").param("latency", latencyMillis).param("at", SqlTimes.toDb(at)).param("id", id.value()).update();
	}

	void cardChanged(AgentId id, URI rpcUrl, boolean streaming, String cardJson, @Nullable String etag) {
		this.jdbc.sql("""
				UPDATE a2a_remote_agents SET rpc_url = :rpcUrl, streaming = :streaming, card_json = :card,
				       card_etag = :etag
				WHERE agent_id = :id
				""")
			.param("rpcUrl", rpcUrl.toString())
			.param("streaming", streaming)
			.param("card", cardJson)
			.param("etag", etag)
			.param("id", id.value())
			.update();
	}

	/**
	 * Records a failed card fetch.
	 * @return the failures in a row now
	 */
	int failed(AgentId id, String error) {
		this.jdbc.sql("""
				UPDATE a2a_remote_agents SET consecutive_failures = consecutive_failures + 1, last_error = :error
				WHERE agent_id = :id
				""")
			.param("error", (error.length() > 500) ? error.substring(0, 500) : error)
			.param("id", id.value())
			.update();
		return this.jdbc.sql("SELECT consecutive_failures FROM a2a_remote_agents WHERE agent_id = :id")
			.param("id", id.value())
			.query(Integer.class)
			.optional()
			.orElse(0);
	}

	void unreachable(AgentId id) {
		this.jdbc.sql("UPDATE a2a_remote_agents SET reachable = FALSE WHERE agent_id = :id")
			.param("id", id.value())
			.update();
	}

	@Override
	public String table() {
		return "a2a_remote_agents";
	}

	@Override
	public List<KeyUsage> usage() {
		return EncryptedColumns.countByKey(this.jdbc, "a2a_remote_agents", List.of("auth_header"));
	}

	@Override
	public long reencrypt(int batchSize) {
		String active = Objects.requireNonNull(this.cipher.activeKeyId(), "no active key");
		return EncryptedColumns.inBatches(this.transaction, batchSize, (after) -> {
			List<String[]> rows = this.jdbc.sql("""
					SELECT agent_id, auth_header, auth_header_key_id FROM a2a_remote_agents
					WHERE agent_id > :after AND auth_header IS NOT NULL
					  AND (auth_header_key_id IS NULL OR auth_header_key_id <> :active)
					ORDER BY agent_id LIMIT :limit FOR UPDATE
					""")
				.param("after", after)
				.param("active", active)
				.param("limit", batchSize)
				.query((rs, n) -> new String[] { rs.getString(1), rs.getString(2), rs.getString(3) })
				.list();
			for (String[] row : rows) {
				FieldCipher.Sealed sealed = this.cipher.seal(this.cipher.open(row[1], row[2], AUTH_COLUMN, row[0]),
						AUTH_COLUMN, row[0]);
				this.jdbc
					.sql("UPDATE a2a_remote_agents SET auth_header = :auth, auth_header_key_id = :key "
							+ "WHERE agent_id = :id")
					.param("auth", sealed.value())
					.param("key", sealed.keyId())
					.param("id", row[0])
					.update();
			}
			return rows.stream().map((row) -> row[0]).toList();
		});
	}

	private RemoteAgent row(ResultSet rs, int n) throws SQLException {
		String id = rs.getString("agent_id");
		long latency = rs.getLong("last_latency_ms");
		Long lastLatency = rs.wasNull() ? null : latency;
		return new RemoteAgent(new AgentId(id), URI.create(rs.getString("card_url")),
				URI.create(rs.getString("rpc_url")), rs.getBoolean("streaming"), rs.getString("card_json"),
				rs.getString("card_etag"),
				this.cipher.open(rs.getString("auth_header"), rs.getString("auth_header_key_id"), AUTH_COLUMN, id),
				rs.getString("owner_node"), SqlTimes.fromDb(rs, "claim_until"), rs.getBoolean("reachable"),
				rs.getInt("consecutive_failures"), lastLatency, SqlTimes.fromDb(rs, "last_ok_at"),
				rs.getString("last_error"), rs.getString("created_by"), SqlTimes.requiredFromDb(rs, "created_at"));
	}

}
