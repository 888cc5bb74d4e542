package io.nexus.server.webhooks.persistence;

import java.util.List;
import java.util.Objects;

import io.nexus.server.encryption.EncryptedColumns;
import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.encryption.KeyUsage;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The encrypted columns of {@code webhook_subscriptions}, the signing secrets, for the
 * status and the re-encryption of encryption at rest. Each batch locks its rows, so a
 * rotation of a secret made meanwhile is never lost.
 */
@Repository
class EncryptedWebhookColumns implements EncryptedColumns {

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	private final TransactionTemplate transaction;

	EncryptedWebhookColumns(JdbcClient jdbc, FieldCipher cipher, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.cipher = cipher;
		this.transaction = transaction;
	}

	@Override
	public String table() {
		return "webhook_subscriptions";
	}

	@Override
	public List<KeyUsage> usage() {
		return EncryptedColumns.countByKey(this.jdbc, "webhook_subscriptions", List.of("secret", "previous_secret"));
	}

	@Override
	public long reencrypt(int batchSize) {
		String active = Objects.requireNonNull(this.cipher.activeKeyId(), "no active key");
		return EncryptedColumns.inBatches(this.transaction, batchSize, (after) -> batch(active, after, batchSize));
	}

	private List<String> batch(String active, String after, int batchSize) {
		List<Stale> rows = this.jdbc.sql("""
				SELECT id, secret, secret_key_id, previous_secret, previous_secret_key_id FROM webhook_subscriptions
				WHERE id > :after
				  AND ((secret_key_id IS NULL OR secret_key_id <> :active)
				    OR (previous_secret IS NOT NULL
				        AND (previous_secret_key_id IS NULL OR previous_secret_key_id <> :active)))
				ORDER BY id LIMIT :limit FOR UPDATE
				""")
			.param("after", after)
			.param("active", active)
			.param("limit", batchSize)
			.query((rs, rowNum) -> new Stale(rs.getString("id"), rs.getString("secret"), rs.getString("secret_key_id"),
					rs.getString("previous_secret"), rs.getString("previous_secret_key_id")))
			.list();
		for (Stale row : rows) {
			FieldCipher.Sealed secret = reseal(row.secret(), row.secretKeyId(), SubscriptionRepository.SECRET,
					row.id());
			FieldCipher.Sealed previous = reseal(row.previous(), row.previousKeyId(),
					SubscriptionRepository.PREVIOUS_SECRET, row.id());
			this.jdbc.sql("""
					UPDATE webhook_subscriptions SET secret = :secret, secret_key_id = :secretKeyId,
					       previous_secret = :previous, previous_secret_key_id = :previousKeyId
					WHERE id = :id
					""")
				.param("secret", secret.value())
				.param("secretKeyId", secret.keyId())
				.param("previous", previous.value())
				.param("previousKeyId", previous.keyId())
				.param("id", row.id())
				.update();
		}
		return rows.stream().map(Stale::id).toList();
	}

	private FieldCipher.Sealed reseal(@Nullable String stored, @Nullable String keyId, String column, String id) {
		if (stored == null || Objects.equals(keyId, this.cipher.activeKeyId())) {
			return new FieldCipher.Sealed(stored, keyId);
		}
		return this.cipher.seal(this.cipher.open(stored, keyId, column, id), column, id);
	}

	private record Stale(String id, String secret, @Nullable String secretKeyId, @Nullable String previous,
			@Nullable String previousKeyId) {

	}

}
