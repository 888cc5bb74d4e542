package io.nexus.server.audit.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.nexus.server.audit.AuditEntry;
import io.nexus.server.audit.AuditQuery;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores the audit trail and its hash chain. Events are only ever appended; the only
 * update seals events written before the chain existed, and the only delete is the
 * retention prune of the oldest events, which leaves a checkpoint.
 */
@Repository
public class AuditRepository {

	private static final String COLUMNS = "seq, occurred_at, action, outcome, actor, target, address, detail, prev_hash, hash";

	private final JdbcClient jdbc;

	public AuditRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Appends an event with its position and hashes.
	 * @param entry the event, with {@code seq}, {@code prevHash} and {@code hash} set
	 */
	public void append(AuditEntry entry) {
		this.jdbc
			.sql("""
					INSERT INTO audit_log (seq, occurred_at, action, outcome, actor, target, address, detail, prev_hash, hash)
					VALUES (:seq, :occurredAt, :action, :outcome, :actor, :target, :address, :detail, :prevHash, :hash)
					""")
			.param("seq", entry.seq())
			.param("occurredAt", SqlTimes.toDb(entry.occurredAt()))
			.param("action", entry.action())
			.param("outcome", entry.outcome())
			.param("actor", entry.actor())
			.param("target", entry.target())
			.param("address", entry.address())
			.param("detail", entry.detail())
			.param("prevHash", entry.prevHash())
			.param("hash", entry.hash())
			.update();
	}

	/**
	 * Locks the head of the chain until the end of the transaction: appends, seals and
	 * prunes of every node take turns.
	 * @return the head
	 */
	public ChainHead lockHead() {
		return this.jdbc.sql("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE")
			.query((rs, rowNum) -> new ChainHead(rs.getLong("last_seq"), rs.getString("last_hash")))
			.single();
	}

	/**
	 * Reads the head of the chain without locking it.
	 * @return the head
	 */
	public ChainHead head() {
		return this.jdbc.sql("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1")
			.query((rs, rowNum) -> new ChainHead(rs.getLong("last_seq"), rs.getString("last_hash")))
			.single();
	}

	public void moveHead(ChainHead head) {
		this.jdbc.sql("UPDATE audit_chain_head SET last_seq = :seq, last_hash = :hash WHERE id = 1")
			.param("seq", head.seq())
			.param("hash", head.hash())
			.update();
	}

	/**
	 * Events written before the chain existed, oldest first.
	 * @param limit at most this many
	 * @return the events
	 */
	public List<AuditEntry> unsealed(int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM audit_log WHERE hash IS NULL ORDER BY seq LIMIT " + limit)
			.query(AuditRepository::entry)
			.list();
	}

	public void seal(long seq, String prevHash, String hash) {
		this.jdbc.sql("UPDATE audit_log SET prev_hash = :prevHash, hash = :hash WHERE seq = :seq AND hash IS NULL")
			.param("prevHash", prevHash)
			.param("hash", hash)
			.param("seq", seq)
			.update();
	}

	/**
	 * A page of the chain in order.
	 * @param afterSeq events after this position
	 * @param throughSeq events up to this position
	 * @param limit at most this many
	 * @return the events, oldest first
	 */
	public List<AuditEntry> chain(long afterSeq, long throughSeq, int limit) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT " + limit)
			.params(afterSeq, throughSeq)
			.query(AuditRepository::entry)
			.list();
	}

	/**
	 * A page of events in a time range, in chain order.
	 * @param afterSeq events after this position
	 * @param from events at or after this time, if set
	 * @param to events before this time, if set
	 * @param limit at most this many
	 * @return the events, oldest first
	 */
	public List<AuditEntry> export(long afterSeq, @Nullable Instant from, @Nullable Instant to, int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE seq > ?");
		List<Object> params = new ArrayList<>();
		params.add(afterSeq);
		if (from != null) {
			sql.append(" AND occurred_at >= ?");
			params.add(SqlTimes.toDb(from));
		}
		if (to != null) {
			sql.append(" AND occurred_at < ?");
			params.add(SqlTimes.toDb(to));
		}
		sql.append(" ORDER BY seq LIMIT ").append(limit);
		return this.jdbc.sql(sql.toString()).params(params).query(AuditRepository::entry).list();
	}

	/**
	 * The hash of the last event before a position.
	 * @param seq the position
	 * @return the hash, or empty if no event is before it
	 */
	public Optional<String> hashBefore(long seq) {
		return this.jdbc.sql("SELECT hash FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT 1")
			.params(seq)
			.query(String.class)
			.optional();
	}

	/**
	 * The oldest events of the chain, for the retention prune.
	 * @param limit at most this many
	 * @return the events, oldest first
	 */
	public List<AuditEntry> oldest(int limit) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq LIMIT " + limit)
			.query(AuditRepository::entry)
			.list();
	}

	/**
	 * Deletes the oldest events, the start of the chain, and keeps the hash of the last
	 * one as the chain's new genesis.
	 * @param checkpoint the checkpoint to keep
	 * @return how many events were deleted
	 */
	public int prune(Checkpoint checkpoint) {
		int deleted = this.jdbc.sql("DELETE FROM audit_log WHERE seq <= ?").params(checkpoint.throughSeq()).update();
		this.jdbc.sql("""
				INSERT INTO audit_checkpoints (created_at, through_seq, last_hash, rows_pruned)
				VALUES (:createdAt, :throughSeq, :lastHash, :rows)
				""")
			.param("createdAt", SqlTimes.toDb(checkpoint.createdAt()))
			.param("throughSeq", checkpoint.throughSeq())
			.param("lastHash", checkpoint.lastHash())
			.param("rows", deleted)
			.update();
		return deleted;
	}

	/**
	 * The latest checkpoint, where the chain now starts.
	 * @return the checkpoint, or empty if the chain was never pruned
	 */
	public Optional<Checkpoint> latestCheckpoint() {
		return this.jdbc.sql("""
				SELECT created_at, through_seq, last_hash, rows_pruned FROM audit_checkpoints
				ORDER BY through_seq DESC LIMIT 1
				""")
			.query((rs, rowNum) -> new Checkpoint(SqlTimes.requiredFromDb(rs, "created_at"), rs.getLong("through_seq"),
					rs.getString("last_hash"), rs.getLong("rows_pruned")))
			.optional();
	}

	/**
	 * Finds events, newest first, one more than the page size so that the caller knows
	 * whether another page follows.
	 * @param query the filters
	 * @param page the page
	 * @return the events
	 */
	public List<AuditEntry> find(AuditQuery query, PageRequest page) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE 1 = 1");
		List<Object> params = new ArrayList<>();
		if (query.actor() != null) {
			sql.append(" AND actor = ?");
			params.add(query.actor());
		}
		if (query.action() != null) {
			if (query.action().endsWith(".")) {
				sql.append(" AND action LIKE ?");
				params.add(query.action().replace("%", "").replace("_", "\\_") + "%");
			}
			else {
				sql.append(" AND action = ?");
				params.add(query.action());
			}
		}
		if (query.target() != null) {
			sql.append(" AND target = ?");
			params.add(query.target());
		}
		if (query.outcome() != null) {
			sql.append(" AND outcome = ?");
			params.add(query.outcome());
		}
		if (query.since() != null) {
			sql.append(" AND occurred_at >= ?");
			params.add(SqlTimes.toDb(query.since()));
		}
		if (query.until() != null) {
			sql.append(" AND occurred_at < ?");
			params.add(SqlTimes.toDb(query.until()));
		}
		if (page.afterSeq() != null) {
			sql.append(" AND seq < ?");
			params.add(page.afterSeq());
		}
		sql.append(" ORDER BY seq DESC LIMIT ").append(page.limit() + 1);
		return this.jdbc.sql(sql.toString()).params(params).query(AuditRepository::entry).list();
	}

	private static AuditEntry entry(ResultSet rs, int rowNum) throws SQLException {
		return new AuditEntry(rs.getLong("seq"), SqlTimes.requiredFromDb(rs, "occurred_at"), rs.getString("action"),
				rs.getString("outcome"), rs.getString("actor"), rs.getString("target"), rs.getString("address"),
				rs.getString("detail"), rs.getString("prev_hash"), rs.getString("hash"));
	}

	/**
	 * The end of the chain.
	 *
	 * @param seq the position of the last event (0 when none was ever written)
	 * @param hash its hash
	 */
	public record ChainHead(long seq, String hash) {

	}

	/**
	 * Where the chain starts after a prune.
	 *
	 * @param createdAt when the prune ran
	 * @param throughSeq the position of the last deleted event
	 * @param lastHash its hash, the {@code prev_hash} of the first event kept
	 * @param rowsPruned how many events the prune deleted
	 */
	public record Checkpoint(Instant createdAt, long throughSeq, String lastHash, long rowsPruned) {

	}

}
