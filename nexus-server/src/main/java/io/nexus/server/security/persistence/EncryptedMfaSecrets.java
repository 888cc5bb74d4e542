package io.nexus.server.security.persistence;

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
 * The encrypted TOTP secrets of {@code user_mfa}, for the status and the re-encryption of
 * encryption at rest. Each batch locks its rows, so a concurrent re-enrolment waits.
 */
@Repository
class EncryptedMfaSecrets implements EncryptedColumns {

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	private final TransactionTemplate transaction;

	EncryptedMfaSecrets(JdbcClient jdbc, FieldCipher cipher, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.cipher = cipher;
		this.transaction = transaction;
	}

	@Override
	public String table() {
		return "user_mfa";
	}

	@Override
	public List<KeyUsage> usage() {
		return EncryptedColumns.countByKey(this.jdbc, "user_mfa", List.of("secret"));
	}

	@Override
	public long reencrypt(int batchSize) {
		String active = Objects.requireNonNull(this.cipher.activeKeyId(), "no active key");
		return EncryptedColumns.inBatches(this.transaction, batchSize, (after) -> batch(active, after, batchSize));
	}

	private List<String> batch(String active, String after, int batchSize) {
		List<Stale> rows = this.jdbc.sql("""
				SELECT username, secret, secret_key_id FROM user_mfa
				WHERE username > :after AND (secret_key_id IS NULL OR secret_key_id <> :active)
				ORDER BY username LIMIT :limit FOR UPDATE
				""")
			.param("after", after)
			.param("active", active)
			.param("limit", batchSize)
			.query((rs, rowNum) -> new Stale(rs.getString("username"), rs.getString("secret"),
					rs.getString("secret_key_id")))
			.list();
		for (Stale row : rows) {
			FieldCipher.Sealed sealed = this.cipher.seal(
					this.cipher.open(row.secret(), row.keyId(), MfaRepository.SECRET, row.username()),
					MfaRepository.SECRET, row.username());
			this.jdbc.sql("UPDATE user_mfa SET secret = :secret, secret_key_id = :keyId WHERE username = :username")
				.param("secret", sealed.value())
				.param("keyId", sealed.keyId())
				.param("username", row.username())
				.update();
		}
		return rows.stream().map(Stale::username).toList();
	}

	private record Stale(String username, String secret, @Nullable String keyId) {

	}

}
