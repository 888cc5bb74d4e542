package io.nexus.server.webhooks.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.encryption.FieldCipher.Sealed;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.webhooks.WebhookEventType;
import io.nexus.server.webhooks.WebhookSubscription;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Webhook subscriptions; their secrets are sealed with {@link FieldCipher}.
 */
@Repository
public class SubscriptionRepository {

	static final String SECRET = "webhook_subscriptions.secret";

	static final String PREVIOUS_SECRET = "webhook_subscriptions.previous_secret";

	private static final String COLUMNS = "id, url, description, event_types, enabled, disabled_reason, "
			+ "failing_since, previous_secret_expires_at, created_by, created_at, updated_at";

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	public SubscriptionRepository(JdbcClient jdbc, FieldCipher cipher) {
		this.jdbc = jdbc;
		this.cipher = cipher;
	}

	public void insert(WebhookSubscription subscription, String secret) {
		Sealed sealed = this.cipher.seal(secret, SECRET, subscription.id());
		this.jdbc.sql("""
				INSERT INTO webhook_subscriptions (id, url, description, event_types, secret, secret_key_id, enabled,
				                                   created_by, created_at, updated_at)
				VALUES (:id, :url, :description, :types, :secret, :keyId, :enabled, :createdBy, :now, :now)
				""")
			.param("id", subscription.id())
			.param("url", subscription.url())
			.param("description", subscription.description())
			.param("types", types(subscription.eventTypes()))
			.param("secret", sealed.value())
			.param("keyId", sealed.keyId())
			.param("enabled", subscription.enabled())
			.param("createdBy", subscription.createdBy())
			.param("now", SqlTimes.toDb(subscription.createdAt()))
			.update();
	}

	/**
	 * Replaces what an admin may change; enabling it again ends its run of failures.
	 * @param subscription the subscription as it should be
	 * @return whether it exists
	 */
	public boolean update(WebhookSubscription subscription) {
		return this.jdbc.sql("""
				UPDATE webhook_subscriptions SET url = :url, description = :description, event_types = :types,
				       enabled = :enabled,
				       disabled_reason = CASE WHEN :enabled THEN NULL ELSE disabled_reason END,
				       failing_since = CASE WHEN :enabled AND NOT enabled THEN NULL ELSE failing_since END,
				       updated_at = :now
				WHERE id = :id
				""")
			.param("id", subscription.id())
			.param("url", subscription.url())
			.param("description", subscription.description())
			.param("types", types(subscription.eventTypes()))
			.param("enabled", subscription.enabled())
			.param("now", SqlTimes.toDb(subscription.updatedAt()))
			.update() > 0;
	}

	/**
	 * Makes a new secret current; the current one keeps signing until a time.
	 * @param id the subscription
	 * @param secret the new secret
	 * @param previousUntil until when the current secret keeps signing
	 * @param now the time
	 * @return whether it exists
	 */
	public boolean rotate(String id, String secret, Instant previousUntil, Instant now) {
		SigningSecrets old = secrets(id).orElse(null);
		if (old == null) {
			return false;
		}
		Sealed sealed = this.cipher.seal(secret, SECRET, id);
		Sealed previous = this.cipher.seal(old.current(), PREVIOUS_SECRET, id);
		return this.jdbc.sql("""
				UPDATE webhook_subscriptions SET secret = :secret, secret_key_id = :keyId,
				       previous_secret = :previous, previous_secret_key_id = :previousKeyId,
				       previous_secret_expires_at = :until, updated_at = :now
				WHERE id = :id
				""")
			.param("id", id)
			.param("secret", sealed.value())
			.param("keyId", sealed.keyId())
			.param("previous", previous.value())
			.param("previousKeyId", previous.keyId())
			.param("until", SqlTimes.toDb(previousUntil))
			.param("now", SqlTimes.toDb(now))
			.update() > 0;
	}

	public boolean delete(String id) {
		return this.jdbc.sql("DELETE FROM webhook_subscriptions WHERE id = :id").param("id", id).update() > 0;
	}

	public Optional<WebhookSubscription> find(String id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions WHERE id = :id")
			.param("id", id)
			.query(SubscriptionRepository::subscription)
			.optional();
	}

	public List<WebhookSubscription> list() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions ORDER BY created_at, id")
			.query(SubscriptionRepository::subscription)
			.list();
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM webhook_subscriptions").query(Long.class).single();
	}

	/**
	 * The enabled subscriptions and the event types each wants.
	 * @return event types by subscription id
	 */
	public Map<String, List<WebhookEventType>> enabledTypes() {
		return this.jdbc.sql("SELECT id, event_types FROM webhook_subscriptions WHERE enabled = TRUE")
			.query((rs, rowNum) -> Map.entry(rs.getString("id"), parseTypes(rs.getString("event_types"))))
			.list()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	/**
	 * A subscription's secrets, decrypted.
	 * @param id the subscription
	 * @return the secrets, or empty if it does not exist
	 */
	public Optional<SigningSecrets> secrets(String id) {
		return this.jdbc.sql("""
				SELECT secret, secret_key_id, previous_secret, previous_secret_key_id, previous_secret_expires_at
				FROM webhook_subscriptions WHERE id = :id
				""")
			.param("id", id)
			.query((rs, rowNum) -> new SigningSecrets(
					this.cipher.open(rs.getString("secret"), rs.getString("secret_key_id"), SECRET, id),
					this.cipher.open(rs.getString("previous_secret"), rs.getString("previous_secret_key_id"),
							PREVIOUS_SECRET, id),
					SqlTimes.fromDb(rs, "previous_secret_expires_at")))
			.optional();
	}

	/**
	 * Ends a subscription's run of failures.
	 * @param id the subscription
	 */
	public void succeeded(String id) {
		this.jdbc
			.sql("UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = :id AND failing_since IS NOT NULL")
			.param("id", id)
			.update();
	}

	/**
	 * Starts a subscription's run of failures, unless one runs.
	 * @param id the subscription
	 * @param now the time of the failure
	 * @return when its run of failures started, or empty if it does not exist
	 */
	public Optional<Instant> failed(String id, Instant now) {
		this.jdbc.sql("UPDATE webhook_subscriptions SET failing_since = :now WHERE id = :id AND failing_since IS NULL")
			.param("id", id)
			.param("now", SqlTimes.toDb(now))
			.update();
		return this.jdbc.sql("SELECT failing_since FROM webhook_subscriptions WHERE id = :id")
			.param("id", id)
			.query((rs, rowNum) -> Optional.ofNullable(SqlTimes.fromDb(rs, "failing_since")))
			.optional()
			.flatMap((since) -> since);
	}

	/**
	 * Disables an enabled subscription.
	 * @param id the subscription
	 * @param reason why
	 * @param now the time
	 * @return whether this call disabled it
	 */
	public boolean disable(String id, String reason, Instant now) {
		return this.jdbc.sql("""
				UPDATE webhook_subscriptions SET enabled = FALSE, disabled_reason = :reason, updated_at = :now
				WHERE id = :id AND enabled = TRUE
				""").param("id", id).param("reason", reason).param("now", SqlTimes.toDb(now)).update() > 0;
	}

	private static String types(List<WebhookEventType> types) {
		return types.stream().map(WebhookEventType::wireName).collect(Collectors.joining(",", ",", ","));
	}

	private static List<WebhookEventType> parseTypes(String stored) {
		return Arrays.stream(stored.split(","))
			.filter((name) -> !name.isEmpty())
			.map((name) -> WebhookEventType.fromWireName(name).orElse(null))
			.filter((type) -> type != null)
			.toList();
	}

	private static WebhookSubscription subscription(ResultSet rs, int rowNum) throws SQLException {
		return new WebhookSubscription(rs.getString("id"), rs.getString("url"), rs.getString("description"),
				parseTypes(rs.getString("event_types")), rs.getBoolean("enabled"), rs.getString("disabled_reason"),
				SqlTimes.fromDb(rs, "failing_since"), SqlTimes.fromDb(rs, "previous_secret_expires_at"),
				rs.getString("created_by"), SqlTimes.requiredFromDb(rs, "created_at"),
				SqlTimes.requiredFromDb(rs, "updated_at"));
	}

}
