package io.nexus.server.cluster.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.cluster.Node;
import io.nexus.server.cluster.NodeState;
import io.nexus.server.shared.SqlTimes;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code nodes} table. State changes are conditional updates, so that of two nodes
 * declaring a third dead only one wins.
 */
@Repository
public class NodeRepository {

	private static final String COLUMNS = "id, address, version, state, started_at, heartbeat_at, ended_at";

	private final JdbcClient jdbc;

	public NodeRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(Node node) {
		this.jdbc.sql("""
				INSERT INTO nodes (id, address, version, state, started_at, heartbeat_at)
				VALUES (:id, :address, :version, :state, :startedAt, :heartbeatAt)
				""")
			.param("id", node.id())
			.param("address", node.address())
			.param("version", node.version())
			.param("state", node.state().wireName())
			.param("startedAt", SqlTimes.toDb(node.startedAt()))
			.param("heartbeatAt", SqlTimes.toDb(node.heartbeatAt()))
			.update();
	}

	/**
	 * Refreshes a live node's heartbeat.
	 * @param id the node
	 * @param now the time
	 * @return {@code false} if the node is not live any more (declared dead, or gone)
	 */
	public boolean heartbeat(String id, Instant now) {
		return this.jdbc.sql("UPDATE nodes SET heartbeat_at = :now WHERE id = :id AND state IN ('up', 'draining')")
			.param("id", id)
			.param("now", SqlTimes.toDb(now))
			.update() > 0;
	}

	/**
	 * Makes a node that stopped (or was declared dead) live again, for a process that
	 * starts taking work again after a stop.
	 * @param id the node
	 * @param now the time
	 * @return whether the row changed
	 */
	public boolean resume(String id, Instant now) {
		return this.jdbc.sql("""
				UPDATE nodes SET state = 'up', heartbeat_at = :now, ended_at = NULL
				WHERE id = :id AND state IN ('draining', 'stopped', 'dead')
				""").param("id", id).param("now", SqlTimes.toDb(now)).update() == 1;
	}

	/**
	 * Brings back a node that was declared dead while it was still running.
	 * @param id the node
	 * @param now the time
	 * @return whether a row was revived
	 */
	public boolean revive(String id, Instant now) {
		return this.jdbc.sql(
				"UPDATE nodes SET state = 'up', heartbeat_at = :now, ended_at = NULL WHERE id = :id AND state = 'dead'")
			.param("id", id)
			.param("now", SqlTimes.toDb(now))
			.update() > 0;
	}

	/**
	 * Moves a node from one state to another.
	 * @param id the node
	 * @param from the state it must be in
	 * @param to the new state
	 * @param now the time
	 * @return whether it was in {@code from}
	 */
	public boolean transition(String id, NodeState from, NodeState to, Instant now) {
		boolean ends = to == NodeState.STOPPED || to == NodeState.DEAD;
		return this.jdbc
			.sql("UPDATE nodes SET state = :to, ended_at = " + (ends ? ":now" : "NULL")
					+ " WHERE id = :id AND state = :from")
			.param("id", id)
			.param("from", from.wireName())
			.param("to", to.wireName())
			.param("now", SqlTimes.toDb(now))
			.update() > 0;
	}

	/**
	 * Declares a node dead if it still has not heartbeaten since the cut-off; of several
	 * nodes trying at once, exactly one succeeds.
	 * @param id the node
	 * @param silentSince the cut-off
	 * @param now the time
	 * @return whether this call declared it dead
	 */
	public boolean declareDead(String id, Instant silentSince, Instant now) {
		return this.jdbc.sql("""
				UPDATE nodes SET state = 'dead', ended_at = :now
				WHERE id = :id AND state IN ('up', 'draining') AND heartbeat_at < :cutoff
				""")
			.param("id", id)
			.param("cutoff", SqlTimes.toDb(silentSince))
			.param("now", SqlTimes.toDb(now))
			.update() > 0;
	}

	/**
	 * Live nodes whose heartbeat is older than the cut-off.
	 * @param silentSince the cut-off
	 * @return those nodes
	 */
	public List<Node> silentSince(Instant silentSince) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM nodes WHERE state IN ('up', 'draining') AND heartbeat_at < :cutoff")
			.param("cutoff", SqlTimes.toDb(silentSince))
			.query(NodeRepository::map)
			.list();
	}

	/**
	 * Other live nodes registered with an address: earlier runs of this process that did
	 * not stop cleanly (one address serves one node at a time).
	 * @param address the address
	 * @param exceptId this node
	 * @return those nodes
	 */
	public List<Node> liveAt(String address, String exceptId) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM nodes WHERE state IN ('up', 'draining') AND address = :address "
					+ "AND id <> :id")
			.param("address", address)
			.param("id", exceptId)
			.query(NodeRepository::map)
			.list();
	}

	/**
	 * Every node, live first, then the most recent.
	 * @param limit the most rows returned
	 * @return the nodes
	 */
	public List<Node> all(int limit) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM nodes ORDER BY CASE WHEN state IN ('up', 'draining') "
					+ "THEN 0 ELSE 1 END, started_at DESC LIMIT :limit")
			.param("limit", limit)
			.query(NodeRepository::map)
			.list();
	}

	public Map<NodeState, Long> countByState() {
		Map<NodeState, Long> counts = new EnumMap<>(NodeState.class);
		for (NodeState state : NodeState.values()) {
			counts.put(state, 0L);
		}
		this.jdbc.sql("SELECT state, COUNT(*) AS n FROM nodes GROUP BY state").query((rs) -> {
			counts.put(NodeState.fromWireName(rs.getString("state")), rs.getLong("n"));
		});
		return counts;
	}

	/**
	 * Deletes rows of nodes that ended before the cut-off.
	 * @param before the cut-off
	 * @return how many were deleted
	 */
	public int pruneEndedBefore(Instant before) {
		return this.jdbc.sql("DELETE FROM nodes WHERE state IN ('stopped', 'dead') AND ended_at < :before")
			.param("before", SqlTimes.toDb(before))
			.update();
	}

	private static Node map(ResultSet rs, int rowNum) throws SQLException {
		return new Node(rs.getString("id"), rs.getString("address"), rs.getString("version"),
				NodeState.fromWireName(rs.getString("state")), SqlTimes.requiredFromDb(rs, "started_at"),
				SqlTimes.requiredFromDb(rs, "heartbeat_at"), SqlTimes.fromDb(rs, "ended_at"));
	}

}
