package io.nexus.server.a2a;

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
 * The encrypted columns of {@code a2a_push_configs} (the token and the credentials), for
 * the status and the re-encryption of encryption at rest. Each batch locks its rows.
 */
@Repository
class A2aPushEncryptedColumns implements EncryptedColumns {

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	private final TransactionTemplate transaction;

	A2aPushEncryptedColumns(JdbcClient jdbc, FieldCipher cipher, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.cipher = cipher;
		this.transaction = transaction;
	}

	@Override
	public String table() {
		return "a2a_push_configs";
	}

	@Override
	public List<KeyUsage> usage() {
		return EncryptedColumns.countByKey(this.jdbc, "a2a_push_configs", List.of("token", "credentials"));
	}

	@Override
	public long reencrypt(int batchSize) {
		String active = Objects.requireNonNull(this.cipher.activeKeyId(), "no active key");
		return EncryptedColumns.inBatches(this.transaction, batchSize, (after) -> batch(active, after, batchSize));
	}

	private List<String> batch(String active, String after, int batchSize) {
		List<Stale> rows = this.jdbc.sql("""
				SELECT target_id, token, token_key_id, credentials, credentials_key_id FROM a2a_push_configs
				WHERE target_id > :after
				  AND ((token IS NOT NULL AND (token_key_id IS NULL OR token_key_id <> :active))
				    OR (credentials IS NOT NULL AND (credentials_key_id IS NULL OR credentials_key_id <> :active)))
				ORDER BY target_id LIMIT :limit FOR UPDATE
				""")
			.param("after", after)
			.param("active", active)
			.param("limit", batchSize)
			.query((rs, rowNum) -> new Stale(rs.getString("target_id"), rs.getString("token"),
					rs.getString("token_key_id"), rs.getString("credentials"), rs.getString("credentials_key_id")))
			.list();
		for (Stale row : rows) {
			FieldCipher.Sealed token = reseal(row.token(), row.tokenKeyId(), A2aPushConfigRows.TOKEN, row.id());
			FieldCipher.Sealed credentials = reseal(row.credentials(), row.credentialsKeyId(),
					A2aPushConfigRows.CREDENTIALS, row.id());
			this.jdbc.sql("""
					UPDATE a2a_push_configs SET token = :token, token_key_id = :tokenKey, credentials = :credentials,
					       credentials_key_id = :credentialsKey
					WHERE target_id = :id
					""")
				.param("token", token.value())
				.param("tokenKey", token.keyId())
				.param("credentials", credentials.value())
				.param("credentialsKey", credentials.keyId())
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

	private record Stale(String id, @Nullable String token, @Nullable String tokenKeyId, @Nullable String credentials,
			@Nullable String credentialsKeyId) {

	}

}
