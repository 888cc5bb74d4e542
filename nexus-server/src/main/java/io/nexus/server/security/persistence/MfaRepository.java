package io.nexus.server.security.persistence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.shared.SqlTimes;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores users' TOTP secrets (encrypted at rest when a key is configured, see
 * {@link FieldCipher}) and hashed recovery codes.
 */
@Repository
public class MfaRepository {

	/** The secret column, as bound into the associated data of its ciphertexts. */
	static final String SECRET = "user_mfa.secret";

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	public MfaRepository(JdbcClient jdbc, FieldCipher cipher) {
		this.jdbc = jdbc;
		this.cipher = cipher;
	}

	public Optional<Enrolment> find(String username) {
		return this.jdbc
			.sql("SELECT secret, secret_key_id, enabled, last_used_step FROM user_mfa WHERE username = :username")
			.param("username", username)
			.query((rs, rowNum) -> new Enrolment(
					Objects.requireNonNull(
							this.cipher.open(rs.getString("secret"), rs.getString("secret_key_id"), SECRET, username)),
					rs.getBoolean("enabled"), rs.getLong("last_used_step")))
			.optional();
	}

	/**
	 * Replaces a pending (not yet confirmed) enrolment with a new secret.
	 */
	public void savePending(String username, String secret, Instant now) {
		delete(username);
		FieldCipher.Sealed sealed = this.cipher.seal(secret, SECRET, username);
		this.jdbc.sql("""
				INSERT INTO user_mfa (username, secret, secret_key_id, enabled, last_used_step, created_at)
				VALUES (:username, :secret, :keyId, FALSE, -1, :now)
				""")
			.param("username", username)
			.param("secret", sealed.value())
			.param("keyId", sealed.keyId())
			.param("now", SqlTimes.toDb(now))
			.update();
	}

	public void enable(String username, Instant now) {
		this.jdbc.sql("UPDATE user_mfa SET enabled = TRUE, enabled_at = :now WHERE username = :username")
			.param("now", SqlTimes.toDb(now))
			.param("username", username)
			.update();
	}

	/**
	 * Records that a time step's code was used, unless it or a later one already was:
	 * each code works once.
	 * @return {@code true} if the step was newer than the last used one
	 */
	public boolean useStep(String username, long step) {
		return this.jdbc
			.sql("UPDATE user_mfa SET last_used_step = :step WHERE username = :username AND last_used_step < :step")
			.param("step", step)
			.param("username", username)
			.update() == 1;
	}

	public void delete(String username) {
		this.jdbc.sql("DELETE FROM user_mfa_recovery_codes WHERE username = :username")
			.param("username", username)
			.update();
		this.jdbc.sql("DELETE FROM user_mfa WHERE username = :username").param("username", username).update();
	}

	public void insertRecoveryCode(String username, String codeHash) {
		this.jdbc.sql("INSERT INTO user_mfa_recovery_codes (code_hash, username) VALUES (:hash, :username)")
			.param("hash", codeHash)
			.param("username", username)
			.update();
	}

	/**
	 * Marks an unused recovery code of the user used.
	 * @return {@code true} if it was there and unused
	 */
	public boolean useRecoveryCode(String username, String codeHash, Instant now) {
		return this.jdbc.sql("""
				UPDATE user_mfa_recovery_codes SET used_at = :now
				WHERE code_hash = :hash AND username = :username AND used_at IS NULL
				""").param("now", SqlTimes.toDb(now)).param("hash", codeHash).param("username", username).update() == 1;
	}

	/**
	 * A user's enrolment.
	 *
	 * @param secret the base32 TOTP secret; never log it
	 * @param enabled whether it was confirmed
	 * @param lastUsedStep the last time step whose code was accepted
	 */
	public record Enrolment(String secret, boolean enabled, long lastUsedStep) {

		@Override
		public String toString() {
			return "Enrolment[secret=<redacted>, enabled=" + this.enabled + "]";
		}

	}

}
