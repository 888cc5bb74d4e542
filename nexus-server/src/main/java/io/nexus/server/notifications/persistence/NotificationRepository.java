package io.nexus.server.notifications.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.server.notifications.Audience;
import io.nexus.server.notifications.Notification;
import io.nexus.server.notifications.NotificationKind;
import io.nexus.server.notifications.Reader;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code notifications} table, their recipients and who read which.
 */
@Repository
public class NotificationRepository {

	/** The reader sees the notification {@code n}. */
	private static final String VISIBLE = """
			EXISTS (SELECT 1 FROM notification_recipients r WHERE r.notification_id = n.id
			        AND ((r.kind = 'role' AND r.name = :role) OR (r.kind = 'user' AND r.name = :user)))
			AND (n.except_user IS NULL OR n.except_user <> :user)
			""";

	/** The reader has read the notification {@code n}. */
	private static final String READ = """
			EXISTS (SELECT 1 FROM notification_reads x WHERE x.notification_id = n.id AND x.user_name = :user)
			""";

	private final JdbcClient jdbc;

	public NotificationRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Stores a notification and its audience.
	 */
	public void insert(String id, NotificationKind kind, String title, String detail, @Nullable String taskId,
			@Nullable String agentId, @Nullable String budgetId, Audience audience, Instant at) {
		this.jdbc
			.sql("""
					INSERT INTO notifications (id, kind, title, detail, task_id, agent_id, budget_id, except_user, created_at)
					VALUES (:id, :kind, :title, :detail, :taskId, :agentId, :budgetId, :exceptUser, :at)
					""")
			.param("id", id)
			.param("kind", kind.wireName())
			.param("title", title)
			.param("detail", detail)
			.param("taskId", taskId)
			.param("agentId", agentId)
			.param("budgetId", budgetId)
			.param("exceptUser", audience.exceptUser())
			.param("at", SqlTimes.toDb(at))
			.update();
		for (String role : audience.roles()) {
			recipient(id, "role", role);
		}
		for (String user : audience.users()) {
			recipient(id, "user", user);
		}
	}

	private void recipient(String id, String kind, String name) {
		this.jdbc.sql("INSERT INTO notification_recipients (notification_id, kind, name) VALUES (:id, :kind, :name)")
			.param("id", id)
			.param("kind", kind)
			.param("name", name)
			.update();
	}

	/**
	 * The reader's notifications, newest first.
	 * @param afterSeq where the page starts (below this seq), or {@code null}
	 * @param unreadOnly only those the reader has not read
	 */
	public List<Notification> find(Reader reader, @Nullable Long afterSeq, boolean unreadOnly, int limit) {
		return this.jdbc
			.sql("SELECT n.*, CASE WHEN " + READ + " THEN TRUE ELSE FALSE END AS is_read"
					+ " FROM notifications n WHERE " + VISIBLE + ((afterSeq != null) ? " AND n.seq < :afterSeq" : "")
					+ (unreadOnly ? " AND NOT " + READ : "") + " ORDER BY n.seq DESC LIMIT :limit")
			.param("user", reader.name())
			.param("role", reader.role())
			.param("afterSeq", afterSeq)
			.param("limit", limit)
			.query(NotificationRepository::row)
			.list();
	}

	/**
	 * One of the reader's notifications.
	 */
	public Optional<Notification> find(Reader reader, String id) {
		return this.jdbc
			.sql("SELECT n.*, CASE WHEN " + READ + " THEN TRUE ELSE FALSE END AS is_read"
					+ " FROM notifications n WHERE n.id = :id AND " + VISIBLE)
			.param("id", id)
			.param("user", reader.name())
			.param("role", reader.role())
			.query(NotificationRepository::row)
			.optional();
	}

	/**
	 * How many of the reader's notifications they have not read.
	 */
	public long countUnread(Reader reader) {
		return this.jdbc.sql("SELECT COUNT(*) FROM notifications n WHERE " + VISIBLE + " AND NOT " + READ)
			.param("user", reader.name())
			.param("role", reader.role())
			.query(Long.class)
			.single();
	}

	/**
	 * Marks one notification read for a user.
	 * @return whether it was unread
	 */
	public boolean markRead(String id, String user, Instant at) {
		try {
			return this.jdbc.sql("""
					INSERT INTO notification_reads (notification_id, user_name, read_at)
					SELECT n.id, :user, :at FROM notifications n WHERE n.id = :id AND NOT""" + " " + READ)
				.param("id", id)
				.param("user", user)
				.param("at", SqlTimes.toDb(at))
				.update() > 0;
		}
		catch (DuplicateKeyException ex) {
			// the same person marked it at the same moment elsewhere
			return false;
		}
	}

	/**
	 * Marks every notification the reader sees read.
	 * @return how many were unread
	 */
	public int markAllRead(Reader reader, Instant at) {
		try {
			return this.jdbc
				.sql("INSERT INTO notification_reads (notification_id, user_name, read_at)"
						+ " SELECT n.id, :user, :at FROM notifications n WHERE " + VISIBLE + " AND NOT " + READ)
				.param("user", reader.name())
				.param("role", reader.role())
				.param("at", SqlTimes.toDb(at))
				.update();
		}
		catch (DuplicateKeyException ex) {
			// a concurrent mark by the same person got some first; theirs counted them
			return 0;
		}
	}

	/**
	 * Deletes notifications created before a time (their recipients and reads with them).
	 * @return how many
	 */
	public int deleteCreatedBefore(Instant before, int limit) {
		return this.jdbc.sql("""
				DELETE FROM notifications WHERE id IN
				  (SELECT id FROM notifications WHERE created_at < :before ORDER BY seq LIMIT :limit)
				""").param("before", SqlTimes.toDb(before)).param("limit", limit).update();
	}

	private static Notification row(ResultSet rs, int rowNum) throws SQLException {
		return new Notification(rs.getString("id"), rs.getLong("seq"), NotificationKind.of(rs.getString("kind")),
				rs.getString("title"), rs.getString("detail"), rs.getString("task_id"), rs.getString("agent_id"),
				rs.getString("budget_id"), SqlTimes.requiredFromDb(rs, "created_at"), rs.getBoolean("is_read"));
	}

}
