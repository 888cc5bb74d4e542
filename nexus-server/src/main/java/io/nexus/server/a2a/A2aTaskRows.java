package io.nexus.server.a2a;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.nexus.protocol.TaskStatus;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The table {@code a2a_tasks}: which tasks came through A2A, in which context. Also reads
 * the capabilities agents offer, for the card's skills.
 */
@Repository
class A2aTaskRows {

	/** At most this many skills on the card. */
	static final int MAX_SKILLS = 500;

	private final JdbcClient jdbc;

	A2aTaskRows(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(TaskId taskId, String contextId, String createdBy, Instant at) {
		this.jdbc.sql("""
				INSERT INTO a2a_tasks (task_id, context_id, created_by, created_at)
				VALUES (:task, :context, :by, :at)
				""")
			.param("task", taskId.value())
			.param("context", contextId)
			.param("by", createdBy)
			.param("at", SqlTimes.toDb(at))
			.update();
	}

	Optional<String> contextOf(TaskId taskId) {
		return this.jdbc.sql("SELECT context_id FROM a2a_tasks WHERE task_id = :task")
			.param("task", taskId.value())
			.query(String.class)
			.optional();
	}

	/**
	 * A page of A2A tasks, newest first.
	 * @param filter which tasks
	 * @param before only rows older than this {@code seq}, or {@code null} from the
	 * newest
	 * @param limit how many
	 * @return the rows
	 */
	List<Row> page(Filter filter, @Nullable Long before, int limit) {
		List<Object> params = new ArrayList<>();
		StringBuilder sql = new StringBuilder("SELECT a.seq, a.task_id, a.context_id ").append(where(filter, params));
		if (before != null) {
			sql.append(" AND a.seq < ?");
			params.add(before);
		}
		sql.append(" ORDER BY a.seq DESC LIMIT ?");
		params.add(limit);
		return this.jdbc.sql(sql.toString())
			.params(params)
			.query((rs, n) -> new Row(rs.getLong(1), new TaskId(rs.getString(2)), rs.getString(3)))
			.list();
	}

	/**
	 * How many A2A tasks match, for {@code totalSize}.
	 * @param filter which tasks
	 * @return how many
	 */
	long count(Filter filter) {
		List<Object> params = new ArrayList<>();
		String sql = "SELECT COUNT(*) " + where(filter, params);
		return this.jdbc.sql(sql).params(params).query(Long.class).single();
	}

	private static String where(Filter filter, List<Object> params) {
		StringBuilder sql = new StringBuilder("FROM a2a_tasks a JOIN tasks t ON t.id = a.task_id WHERE 1 = 1");
		if (filter.contextId() != null) {
			sql.append(" AND a.context_id = ?");
			params.add(filter.contextId());
		}
		TaskStatus[] states = filter.states();
		if (states != null) {
			sql.append(" AND t.status IN (")
				.append(String.join(", ", Arrays.stream(states).map((state) -> "?").toList()))
				.append(")");
			Arrays.stream(states).forEach((state) -> params.add(state.wireName()));
		}
		if (filter.updatedAfter() != null) {
			sql.append(" AND t.updated_at > ?");
			params.add(SqlTimes.toDb(filter.updatedAfter()));
		}
		return sql.toString();
	}

	/**
	 * The capabilities registered agents offer, with how many agents offer each.
	 * @return capability and count, by name
	 */
	List<Offer> offers() {
		return this.jdbc.sql("""
				SELECT capability, COUNT(DISTINCT agent_id) FROM agent_capabilities
				GROUP BY capability ORDER BY capability LIMIT :max
				""").param("max", MAX_SKILLS).query((rs, n) -> new Offer(rs.getString(1), rs.getLong(2))).list();
	}

	/**
	 * Which A2A tasks to list; {@code null} means any.
	 *
	 * @param contextId only this context
	 * @param states only tasks in these Nexus states
	 * @param updatedAfter only tasks whose status changed after this
	 */
	record Filter(@Nullable String contextId, TaskStatus @Nullable [] states, @Nullable Instant updatedAfter) {
	}

	record Row(long seq, TaskId taskId, String contextId) {
	}

	record Offer(String capability, long agents) {
	}

}
