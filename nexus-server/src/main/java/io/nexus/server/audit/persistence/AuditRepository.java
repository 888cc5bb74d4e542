package io.nexus.server.audit.persistence;

import java.util.ArrayList;
import java.util.List;

import io.nexus.server.audit.AuditEntry;
import io.nexus.server.audit.AuditQuery;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.shared.SqlTimes;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores the audit trail. It only ever appends: there is no update and no delete.
 */
@Repository
public class AuditRepository {

	private final JdbcClient jdbc;

	public AuditRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void append(AuditEntry entry) {
		this.jdbc.sql("""
				INSERT INTO audit_log (occurred_at, action, outcome, actor, target, address, detail)
				VALUES (:occurredAt, :action, :outcome, :actor, :target, :address, :detail)
				""")
			.param("occurredAt", SqlTimes.toDb(entry.occurredAt()))
			.param("action", entry.action())
			.param("outcome", entry.outcome())
			.param("actor", entry.actor())
			.param("target", entry.target())
			.param("address", entry.address())
			.param("detail", entry.detail())
			.update();
	}

	/**
	 * Finds events, newest first, one more than the page size so that the caller knows
	 * whether another page follows.
	 * @param query the filters
	 * @param page the page
	 * @return the events
	 */
	public List<AuditEntry> find(AuditQuery query, PageRequest page) {
		StringBuilder sql = new StringBuilder(
				"SELECT seq, occurred_at, action, outcome, actor, target, address, detail FROM audit_log WHERE 1 = 1");
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
		return this.jdbc.sql(sql.toString())
			.params(params)
			.query((rs, rowNum) -> new AuditEntry(rs.getLong("seq"), SqlTimes.requiredFromDb(rs, "occurred_at"),
					rs.getString("action"), rs.getString("outcome"), rs.getString("actor"), rs.getString("target"),
					rs.getString("address"), rs.getString("detail")))
			.list();
	}

}
