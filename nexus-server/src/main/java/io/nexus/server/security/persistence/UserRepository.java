package io.nexus.server.security.persistence;

import java.util.List;
import java.util.Optional;

import io.nexus.server.security.Role;
import io.nexus.server.security.UserAccount;
import io.nexus.server.shared.SqlTimes;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stores users and the server's own secrets.
 */
@Repository
public class UserRepository {

	private final JdbcClient jdbc;

	public UserRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(UserAccount user, String passwordHash) {
		this.jdbc.sql("""
				INSERT INTO users (id, username, password_hash, role, enabled, created_at)
				VALUES (:id, :username, :passwordHash, :role, :enabled, :createdAt)
				""")
			.param("id", user.id())
			.param("username", user.username())
			.param("passwordHash", passwordHash)
			.param("role", user.role().wireName())
			.param("enabled", user.enabled())
			.param("createdAt", SqlTimes.toDb(user.createdAt()))
			.update();
	}

	public Optional<Credentials> findCredentials(String username) {
		return this.jdbc.sql("SELECT username, password_hash, role, enabled FROM users WHERE username = :username")
			.param("username", username)
			.query((rs, rowNum) -> new Credentials(rs.getString("username"), rs.getString("password_hash"),
					Role.fromWireName(rs.getString("role")), rs.getBoolean("enabled")))
			.optional();
	}

	public List<UserAccount> findAll() {
		return this.jdbc.sql("SELECT id, username, role, enabled, created_at FROM users ORDER BY username")
			.query((rs, rowNum) -> new UserAccount(rs.getString("id"), rs.getString("username"),
					Role.fromWireName(rs.getString("role")), rs.getBoolean("enabled"),
					SqlTimes.requiredFromDb(rs, "created_at")))
			.list();
	}

	public Optional<UserAccount> findById(String id) {
		return this.jdbc.sql("SELECT id, username, role, enabled, created_at FROM users WHERE id = :id")
			.param("id", id)
			.query((rs, rowNum) -> new UserAccount(rs.getString("id"), rs.getString("username"),
					Role.fromWireName(rs.getString("role")), rs.getBoolean("enabled"),
					SqlTimes.requiredFromDb(rs, "created_at")))
			.optional();
	}

	public void update(String id, Role role, boolean enabled) {
		this.jdbc.sql("UPDATE users SET role = :role, enabled = :enabled WHERE id = :id")
			.param("role", role.wireName())
			.param("enabled", enabled)
			.param("id", id)
			.update();
	}

	public void updatePassword(String id, String passwordHash) {
		this.jdbc.sql("UPDATE users SET password_hash = :hash WHERE id = :id")
			.param("hash", passwordHash)
			.param("id", id)
			.update();
	}

	/**
	 * Counts the enabled admins, locking their rows so that two concurrent demotions
	 * cannot both see another admin left.
	 * @return how many enabled admins there are
	 */
	public long countEnabledAdmins() {
		return this.jdbc.sql("SELECT id FROM users WHERE role = 'admin' AND enabled = TRUE FOR UPDATE")
			.query(String.class)
			.list()
			.size();
	}

	public boolean exists(String username) {
		return this.jdbc.sql("SELECT COUNT(*) FROM users WHERE username = :username")
			.param("username", username)
			.query(Long.class)
			.single() > 0;
	}

	public Optional<String> findSecret(String name) {
		return this.jdbc.sql("SELECT secret FROM server_secrets WHERE name = :name")
			.param("name", name)
			.query(String.class)
			.optional();
	}

	public void insertSecret(String name, String secret) {
		this.jdbc.sql("INSERT INTO server_secrets (name, secret) VALUES (:name, :secret)")
			.param("name", name)
			.param("secret", secret)
			.update();
	}

	/**
	 * A user's stored credentials.
	 *
	 * @param username the login name
	 * @param passwordHash the encoded password
	 * @param role the role
	 * @param enabled whether the user may log in
	 */
	public record Credentials(String username, String passwordHash, Role role, boolean enabled) {

		@Override
		public String toString() {
			return "Credentials[username=" + this.username + ", role=" + this.role + "]";
		}

	}

}
