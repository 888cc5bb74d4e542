package io.nexus.server.webhooks.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.webhooks.WebhookAttempt;
import io.nexus.server.webhooks.WebhookDelivery;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The webhook outbox and delivery log. A node claims due rows with a conditional update
 * that only one node can win; on PostgreSQL the candidates are first locked with
 * {@code FOR UPDATE SKIP LOCKED}, so that nodes claim different rows instead of racing
 * for the same ones.
 */
@Repository
public class DeliveryRepository {

	private static final String COLUMNS = "seq, id, subscription_id, event_id, event_type, payload, status, attempts, "
			+ "next_attempt_at, last_status_code, last_duration_ms, last_error, last_attempt_at, created_at, "
			+ "delivered_at, target_kind, target_id";

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	private final boolean skipLocked;

	public DeliveryRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch, DataSource dataSource) {
		this.jdbc = jdbc;
		this.batch = batch;
		this.skipLocked = isPostgres(dataSource);
	}

	/**
	 * Records new deliveries, due at once.
	 * @param deliveries the deliveries
	 */
	public void insertAll(List<NewDelivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		this.batch.batchUpdate("""
				INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, payload, status, attempts,
				                                next_attempt_at, created_at)
				VALUES (:id, :subscription, :eventId, :eventType, :payload, 'pending', 0, :now, :now)
				""",
				deliveries.stream()
					.map((delivery) -> new MapSqlParameterSource().addValue("id", delivery.id())
						.addValue("subscription", delivery.subscriptionId())
						.addValue("eventId", delivery.eventId())
						.addValue("eventType", delivery.eventType())
						.addValue("payload", delivery.payload())
						.addValue("now", SqlTimes.toDb(delivery.at())))
					.toArray(SqlParameterSource[]::new));
	}

	/**
	 * Records new deliveries to a target of another module, due at once, in order.
	 * @param kind the kind of target
	 * @param targetId the target
	 * @param deliveries the deliveries (their subscription is {@code null})
	 */
	public void insertForTarget(String kind, String targetId, List<NewDelivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		this.batch.batchUpdate("""
				INSERT INTO webhook_deliveries (id, target_kind, target_id, event_id, event_type, payload, status,
				                                attempts, next_attempt_at, created_at)
				VALUES (:id, :kind, :target, :eventId, :eventType, :payload, 'pending', 0, :now, :now)
				""",
				deliveries.stream()
					.map((delivery) -> new MapSqlParameterSource().addValue("id", delivery.id())
						.addValue("kind", kind)
						.addValue("target", targetId)
						.addValue("eventId", delivery.eventId())
						.addValue("eventType", delivery.eventType())
						.addValue("payload", delivery.payload())
						.addValue("now", SqlTimes.toDb(delivery.at())))
					.toArray(SqlParameterSource[]::new));
	}

	/**
	 * Due deliveries that no live claim holds; a delivery to a target waits for the
	 * earlier pending ones to the same target, so that a target gets its deliveries one
	 * at a time, in order. Call it inside a transaction and then {@link #claim}: on
	 * PostgreSQL the rows stay locked until the transaction ends, and rows another node
	 * has locked are skipped.
	 * @param now the time
	 * @param limit the most to return
	 * @return their ids
	 */
	public List<String> due(Instant now, int limit) {
		return this.jdbc.sql("""
				SELECT d.id FROM webhook_deliveries d
				WHERE d.status = 'pending' AND d.next_attempt_at <= :now
				  AND (d.claimed_until IS NULL OR d.claimed_until < :now)
				  AND (d.target_id IS NULL OR NOT EXISTS (
				      SELECT 1 FROM webhook_deliveries e
				      WHERE e.target_id = d.target_id AND e.status = 'pending' AND e.seq < d.seq))
				ORDER BY d.next_attempt_at LIMIT :limit
				""" + (this.skipLocked ? " FOR UPDATE SKIP LOCKED" : ""))
			.param("now", SqlTimes.toDb(now))
			.param("limit", limit)
			.query(String.class)
			.list();
	}

	/**
	 * Claims deliveries for a node, each only if no live claim holds it.
	 * @param ids the deliveries
	 * @param node the node
	 * @param now the time
	 * @param until when the claim lapses
	 * @return the deliveries this node won
	 */
	public List<WebhookDelivery> claim(List<String> ids, String node, Instant now, Instant until) {
		if (ids.isEmpty()) {
			return List.of();
		}
		int[] counts = this.batch.batchUpdate("""
				UPDATE webhook_deliveries SET claimed_by = :node, claimed_until = :until
				WHERE id = :id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < :now)
				""",
				ids.stream()
					.map((id) -> new MapSqlParameterSource().addValue("id", id)
						.addValue("node", node)
						.addValue("now", SqlTimes.toDb(now))
						.addValue("until", SqlTimes.toDb(until)))
					.toArray(SqlParameterSource[]::new));
		List<String> won = new ArrayList<>();
		for (int i = 0; i < counts.length; i++) {
			if (counts[i] > 0) {
				won.add(ids.get(i));
			}
		}
		if (won.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM webhook_deliveries WHERE id IN (:ids) ORDER BY seq")
			.param("ids", won)
			.query(DeliveryRepository::delivery)
			.list();
	}

	/**
	 * Records an attempt and releases the claim, if this node still holds it.
	 * @param id the delivery
	 * @param node the node that made the attempt
	 * @param attempt what happened
	 * @return whether the claim was still this node's
	 */
	@Transactional
	public boolean recordAttempt(String id, String node, Attempt attempt) {
		boolean ours = this.jdbc.sql("""
				UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1, next_attempt_at = :next,
				       claimed_by = NULL, claimed_until = NULL, last_status_code = :code, last_duration_ms = :duration,
				       last_error = :error, last_attempt_at = :at,
				       delivered_at = CASE WHEN :status = 'delivered' THEN :at ELSE delivered_at END
				WHERE id = :id AND claimed_by = :node
				""")
			.param("id", id)
			.param("node", node)
			.param("status", attempt.status())
			.param("next", SqlTimes.toDb(attempt.nextAttemptAt()))
			.param("code", attempt.statusCode())
			.param("duration", attempt.durationMs())
			.param("error", attempt.error())
			.param("at", SqlTimes.toDb(attempt.at()))
			.update() > 0;
		if (ours) {
			this.jdbc
				.sql("""
						INSERT INTO webhook_attempts (delivery_id, attempt, node, attempted_at, status_code, duration_ms, error)
						SELECT id, attempts, :node, :at, :code, :duration, :error FROM webhook_deliveries WHERE id = :id
						""")
				.param("id", id)
				.param("node", node)
				.param("at", SqlTimes.toDb(attempt.at()))
				.param("code", attempt.statusCode())
				.param("duration", attempt.durationMs())
				.param("error", attempt.error())
				.update();
		}
		return ours;
	}

	/**
	 * The attempts at a delivery, oldest first: the last {@code limit} of them.
	 * @param deliveryId the delivery
	 * @param limit the most to read
	 * @return its attempts
	 */
	public List<WebhookAttempt> attempts(String deliveryId, int limit) {
		List<WebhookAttempt> newestFirst = this.jdbc.sql("""
				SELECT attempt, node, attempted_at, status_code, duration_ms, error FROM webhook_attempts
				WHERE delivery_id = :id ORDER BY attempt DESC LIMIT :limit
				""")
			.param("id", deliveryId)
			.param("limit", limit)
			.query((rs, rowNum) -> new WebhookAttempt(rs.getInt("attempt"), rs.getString("node"),
					SqlTimes.requiredFromDb(rs, "attempted_at"), (Integer) rs.getObject("status_code", Integer.class),
					rs.getLong("duration_ms"), rs.getString("error")))
			.list();
		List<WebhookAttempt> oldestFirst = new ArrayList<>(newestFirst);
		Collections.reverse(oldestFirst);
		return oldestFirst;
	}

	/**
	 * Marks failed the pending deliveries of a subscription.
	 * @param subscriptionId the subscription
	 * @param reason why
	 * @return how many there were
	 */
	public int failPending(String subscriptionId, String reason) {
		return this.jdbc.sql("""
				UPDATE webhook_deliveries SET status = 'failed', last_error = :reason, claimed_by = NULL,
				       claimed_until = NULL
				WHERE subscription_id = :subscription AND status = 'pending'
				""").param("subscription", subscriptionId).param("reason", reason).update();
	}

	public Page<WebhookDelivery> list(String subscriptionId, PageRequest page) {
		List<WebhookDelivery> rows = this.jdbc
			.sql("SELECT " + COLUMNS + " FROM webhook_deliveries WHERE subscription_id = :subscription"
					+ ((page.afterSeq() != null) ? " AND seq < :after" : "") + " ORDER BY seq DESC LIMIT :limit")
			.param("subscription", subscriptionId)
			.param("after", page.afterSeq())
			.param("limit", page.limit() + 1)
			.query(DeliveryRepository::delivery)
			.list();
		boolean more = rows.size() > page.limit();
		List<WebhookDelivery> items = more ? rows.subList(0, page.limit()) : rows;
		return new Page<>(List.copyOf(items), more ? PageRequest.cursorAfter(items.get(items.size() - 1).seq()) : null);
	}

	public Optional<WebhookDelivery> find(String subscriptionId, String id) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM webhook_deliveries WHERE id = :id AND subscription_id = :subscription")
			.param("id", id)
			.param("subscription", subscriptionId)
			.query(DeliveryRepository::delivery)
			.optional();
	}

	/**
	 * Deletes delivered and failed deliveries recorded before a time.
	 * @param before the time
	 * @param limit the most to delete at once
	 * @return how many were deleted
	 */
	public int deleteFinishedBefore(Instant before, int limit) {
		return this.jdbc.sql("""
				DELETE FROM webhook_deliveries WHERE id IN (
				    SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND created_at < :before LIMIT :limit)
				""").param("before", SqlTimes.toDb(before)).param("limit", limit).update();
	}

	public long countPending() {
		return this.jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
			.query(Long.class)
			.single();
	}

	private static WebhookDelivery delivery(ResultSet rs, int rowNum) throws SQLException {
		return new WebhookDelivery(rs.getLong("seq"), rs.getString("id"), rs.getString("subscription_id"),
				rs.getString("event_id"), rs.getString("event_type"), rs.getString("payload"), rs.getString("status"),
				rs.getInt("attempts"), SqlTimes.requiredFromDb(rs, "next_attempt_at"),
				(Integer) rs.getObject("last_status_code", Integer.class),
				(Long) rs.getObject("last_duration_ms", Long.class), rs.getString("last_error"),
				SqlTimes.fromDb(rs, "last_attempt_at"), SqlTimes.requiredFromDb(rs, "created_at"),
				SqlTimes.fromDb(rs, "delivered_at"), rs.getString("target_kind"), rs.getString("target_id"));
	}

	private static boolean isPostgres(DataSource dataSource) {
		try {
			String product = JdbcUtils.extractDatabaseMetaData(dataSource,
					(metaData) -> metaData.getDatabaseProductName());
			return product != null && product.toLowerCase(Locale.ROOT).contains("postgres");
		}
		catch (Exception ex) {
			return false;
		}
	}

	/**
	 * A delivery to record.
	 *
	 * @param id its id
	 * @param subscriptionId the subscription, {@code null} for a delivery to a target of
	 * another module
	 * @param eventId the event's id
	 * @param eventType the event's wire name
	 * @param payload the body
	 * @param at when the event happened
	 */
	public record NewDelivery(String id, @Nullable String subscriptionId, String eventId, String eventType,
			String payload, Instant at) {

	}

	/**
	 * The outcome of one attempt.
	 *
	 * @param status the delivery's status afterwards
	 * @param nextAttemptAt when to try again (while pending)
	 * @param statusCode the receiver's status code, if it answered
	 * @param durationMs how long it took
	 * @param error why it failed
	 * @param at when it was made
	 */
	public record Attempt(String status, Instant nextAttemptAt, @Nullable Integer statusCode, long durationMs,
			@Nullable String error, Instant at) {

	}

}
