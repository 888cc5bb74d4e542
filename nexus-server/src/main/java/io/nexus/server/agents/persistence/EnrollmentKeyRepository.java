package io.nexus.server.agents.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import io.nexus.server.agents.EnrollmentKey;
import io.nexus.server.shared.SqlTimes;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores enrollment keys (only their hashes).
 */
@Repository
public class EnrollmentKeyRepository {

	private static final TypeReference<List<String>> CAPABILITIES = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	public EnrollmentKeyRepository(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	public void insert(EnrollmentKey key, String keyHash) {
		this.jdbc.sql("""
				INSERT INTO enrollment_keys (id, name, key_hash, capabilities, max_uses, uses, expires_at, revoked,
				                             created_by, created_at)
				VALUES (:id, :name, :hash, :capabilities, :maxUses, 0, :expiresAt, FALSE, :createdBy, :createdAt)
				""")
			.param("id", key.id())
			.param("name", key.name())
			.param("hash", keyHash)
			.param("capabilities", this.json.writeValueAsString(key.capabilities()))
			.param("maxUses", key.maxUses())
			.param("expiresAt", SqlTimes.toDb(key.expiresAt()))
			.param("createdBy", key.createdBy())
			.param("createdAt", SqlTimes.toDb(key.createdAt()))
			.update();
	}

	public Optional<EnrollmentKey> lockByHash(String keyHash) {
		return this.jdbc.sql("SELECT * FROM enrollment_keys WHERE key_hash = :hash FOR UPDATE")
			.param("hash", keyHash)
			.query(this::row)
			.optional();
	}

	public List<EnrollmentKey> findAll() {
		return this.jdbc.sql("SELECT * FROM enrollment_keys ORDER BY created_at DESC").query(this::row).list();
	}

	public void recordUse(String id) {
		this.jdbc.sql("UPDATE enrollment_keys SET uses = uses + 1 WHERE id = :id").param("id", id).update();
	}

	public boolean revoke(String id) {
		return this.jdbc.sql("UPDATE enrollment_keys SET revoked = TRUE WHERE id = :id").param("id", id).update() > 0;
	}

	private EnrollmentKey row(ResultSet rs, int rowNum) throws SQLException {
		int maxUses = rs.getInt("max_uses");
		Integer limit = rs.wasNull() ? null : maxUses;
		return new EnrollmentKey(rs.getString("id"), rs.getString("name"),
				this.json.readValue(rs.getString("capabilities"), CAPABILITIES), limit, rs.getInt("uses"),
				SqlTimes.fromDb(rs, "expires_at"), rs.getBoolean("revoked"), rs.getString("created_by"),
				SqlTimes.requiredFromDb(rs, "created_at"));
	}

}
