package io.nexus.server.tasks.persistence;

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
 * The encrypted columns of {@code tasks}, payload and result, for the status and the
 * re-encryption of encryption at rest. Each batch locks its rows ({@code FOR UPDATE}), so
 * a result written concurrently by an agent either commits before the batch reads it or
 * waits for the batch and then overwrites it; it is never lost.
 */
@Repository
class EncryptedTaskColumns implements EncryptedColumns {

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	private final TransactionTemplate transaction;

	EncryptedTaskColumns(JdbcClient jdbc, FieldCipher cipher, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.cipher = cipher;
		this.transaction = transaction;
	}

	@Override
	public String table() {
		return "tasks";
	}

	@Override
	public List<KeyUsage> usage() {
		return EncryptedColumns.countByKey(this.jdbc, "tasks", List.of("payload", "result"));
	}

	@Override
	public long reencrypt(int batchSize) {
		String active = Objects.requireNonNull(this.cipher.activeKeyId(), "no active key");
		long changed = 0;
		long after = Long.MIN_VALUE;
		while (true) {
			long from = after;
			Batch batch = this.transaction.execute((status) -> batch(active, from, batchSize));
			if (batch == null || batch.rows() == 0) {
				return changed;
			}
			changed += batch.rows();
			after = batch.lastSeq();
			if (batch.rows() < batchSize) {
				return changed;
			}
		}
	}

	private Batch batch(String active, long after, int batchSize) {
		List<Stale> rows = this.jdbc.sql("""
				SELECT seq, id, payload, payload_key_id, result, result_key_id FROM tasks
				WHERE seq > :after
				  AND ((payload IS NOT NULL AND (payload_key_id IS NULL OR payload_key_id <> :active))
				    OR (result IS NOT NULL AND (result_key_id IS NULL OR result_key_id <> :active)))
				ORDER BY seq LIMIT :limit FOR UPDATE
				""")
			.param("after", after)
			.param("active", active)
			.param("limit", batchSize)
			.query((rs, rowNum) -> new Stale(rs.getLong("seq"), rs.getString("id"), rs.getString("payload"),
					rs.getString("payload_key_id"), rs.getString("result"), rs.getString("result_key_id")))
			.list();
		for (Stale row : rows) {
			FieldCipher.Sealed payload = reseal(row.payload(), row.payloadKeyId(), TaskRows.PAYLOAD, row.id());
			FieldCipher.Sealed result = reseal(row.result(), row.resultKeyId(), TaskRows.RESULT, row.id());
			this.jdbc.sql("""
					UPDATE tasks SET payload = :payload, payload_key_id = :payloadKeyId,
					       result = :result, result_key_id = :resultKeyId
					WHERE id = :id
					""")
				.param("payload", payload.value())
				.param("payloadKeyId", payload.keyId())
				.param("result", result.value())
				.param("resultKeyId", result.keyId())
				.param("id", row.id())
				.update();
		}
		return new Batch(rows.size(), rows.isEmpty() ? after : rows.get(rows.size() - 1).seq());
	}

	private FieldCipher.Sealed reseal(@Nullable String stored, @Nullable String keyId, String column, String id) {
		if (stored == null || Objects.equals(keyId, this.cipher.activeKeyId())) {
			return new FieldCipher.Sealed(stored, keyId);
		}
		return this.cipher.seal(this.cipher.open(stored, keyId, column, id), column, id);
	}

	private record Stale(long seq, String id, @Nullable String payload, @Nullable String payloadKeyId,
			@Nullable String result, @Nullable String resultKeyId) {

	}

	private record Batch(int rows, long lastSeq) {

	}

}
