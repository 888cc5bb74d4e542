package io.nexus.server.security.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.server.security.ApiKey;
import io.nexus.server.security.Role;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores API keys (as hashes).
 */
@Repository
public class ApiKeyRepository {

	private static final String COLUMNS = "k.id, k.name, k.role, k.owner, k.created_at, k.expires_at, "
			+ "k.last_used_at, k.revoked_at";

	private final JdbcClient jdbc;

	public ApiKeyRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(ApiKey key, String keyHash) {
		this.jdbc.sql("""
				INSERT INTO api_keys (id, name, key_hash, role, owner, created_at, expires_at)
				VALUES (:id, :name, :hash, :role, :owner, :createdAt, :expiresAt)
				""")
			.param("id", key.id())
			.param("name", key.name())
			.param("hash", keyHash)
			.param("role", key.role().wireName())
			.param("owner", key.owner())
			.param("createdAt", SqlTimes.toDb(key.createdAt()))
			.param("expiresAt", SqlTimes.toDb(key.expiresAt()))
			.update();
	}

	/**
	 * Finds a usable key by its hash, with its owner's current role.
	 * @param keyHash the hash of the presented key
	 * @param now the time
	 * @return the key and the owner's role, if the key is live and its owner enabled
	 */
	public Optional<Usable> findUsable(String keyHash, Instant now) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + ", u.role AS owner_role FROM api_keys k "
					+ "JOIN users u ON u.username = k.owner WHERE k.key_hash = :hash AND k.revoked_at IS NULL "
					+ "AND (k.expires_at IS NULL OR k.expires_at > :now) AND u.enabled = TRUE")
			.param("hash", keyHash)
			.param("now", SqlTimes.toDb(now))
			.query((rs, rowNum) -> new Usable(map(rs), Role.fromWireName(rs.getString("owner_role"))))
			.optional();
	}

	public Optional<ApiKey> find(String id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM api_keys k WHERE k.id = :id")
			.param("id", id)
			.query((rs, rowNum) -> map(rs))
			.optional();
	}

	public List<ApiKey> findByOwner(@Nullable String owner) {
		if (owner == null) {
			return this.jdbc.sql("SELECT " + COLUMNS + " FROM api_keys k ORDER BY k.created_at DESC")
				.query((rs, rowNum) -> map(rs))
				.list();
		}
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM api_keys k WHERE k.owner = :owner ORDER BY k.created_at DESC")
			.param("owner", owner)
			.query((rs, rowNum) -> map(rs))
			.list();
	}

	public void touch(String id, Instant now) {
		this.jdbc.sql("UPDATE api_keys SET last_used_at = :now WHERE id = :id")
			.param("now", SqlTimes.toDb(now))
			.param("id", id)
			.update();
	}

	public boolean revoke(String id, Instant now) {
		return this.jdbc.sql("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
			.param("now", SqlTimes.toDb(now))
			.param("id", id)
			.update() == 1;
	}

	private static ApiKey map(ResultSet rs) throws SQLException {
		return new ApiKey(rs.getString("id"), rs.getString("name"), Role.fromWireName(rs.getString("role")),
				rs.getString("owner"), SqlTimes.requiredFromDb(rs, "created_at"), SqlTimes.fromDb(rs, "expires_at"),
				SqlTimes.fromDb(rs, "last_used_at"), SqlTimes.fromDb(rs, "revoked_at"));
	}

	/**
	 * A live key and its owner's role now.
	 *
	 * @param key the key
	 * @param ownerRole the owner's current role
	 */
	public record Usable(ApiKey key, Role ownerRole) {

	}

}
