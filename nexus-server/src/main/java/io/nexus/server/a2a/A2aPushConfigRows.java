package io.nexus.server.a2a;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nexus.server.encryption.FieldCipher;
import io.nexus.server.encryption.FieldCipher.Sealed;
import io.nexus.server.shared.SqlTimes;
import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The push notification configs of tasks ({@code a2a_push_configs}); the token and the
 * credentials are sealed with {@link FieldCipher}.
 */
@Repository
class A2aPushConfigRows {

	static final String TOKEN = "a2a_push_configs.token";

	static final String CREDENTIALS = "a2a_push_configs.credentials";

	private static final String COLUMNS = "target_id, task_id, id, url, token, token_key_id, auth_scheme, credentials, "
			+ "credentials_key_id, created_by, created_at";

	/** The most task ids one query names. */
	private static final int CHUNK = 500;

	private final JdbcClient jdbc;

	private final FieldCipher cipher;

	A2aPushConfigRows(JdbcClient jdbc, FieldCipher cipher) {
		this.jdbc = jdbc;
		this.cipher = cipher;
	}

	/**
	 * Stores a new config, or replaces the URL and secrets of the task's config with the
	 * same id (its target stays).
	 * @param config the config
	 * @param now the time
	 * @return the config as stored (with the target of the one it replaced)
	 */
	A2aPushConfig save(A2aPushConfig config, Instant now) {
		Optional<A2aPushConfig> existing = find(config.taskId(), config.id());
		String target = existing.map(A2aPushConfig::targetId).orElse(config.targetId());
		Sealed token = this.cipher.seal(config.token(), TOKEN, target);
		Sealed credentials = this.cipher.seal(config.credentials(), CREDENTIALS, target);
		if (existing.isPresent()) {
			this.jdbc.sql("""
					UPDATE a2a_push_configs SET url = :url, token = :token, token_key_id = :tokenKey,
					       auth_scheme = :scheme, credentials = :credentials, credentials_key_id = :credentialsKey,
					       updated_at = :now
					WHERE target_id = :target
					""")
				.param("target", target)
				.param("url", config.url())
				.param("token", token.value())
				.param("tokenKey", token.keyId())
				.param("scheme", config.authScheme())
				.param("credentials", credentials.value())
				.param("credentialsKey", credentials.keyId())
				.param("now", SqlTimes.toDb(now))
				.update();
			return new A2aPushConfig(target, config.taskId(), config.id(), config.url(), config.token(),
					config.authScheme(), config.credentials(), existing.get().createdBy(), existing.get().createdAt());
		}
		this.jdbc.sql("""
				INSERT INTO a2a_push_configs (target_id, task_id, id, url, token, token_key_id, auth_scheme,
				                              credentials, credentials_key_id, created_by, created_at, updated_at)
				VALUES (:target, :task, :id, :url, :token, :tokenKey, :scheme, :credentials, :credentialsKey, :by,
				        :now, :now)
				""")
			.param("target", target)
			.param("task", config.taskId().value())
			.param("id", config.id())
			.param("url", config.url())
			.param("token", token.value())
			.param("tokenKey", token.keyId())
			.param("scheme", config.authScheme())
			.param("credentials", credentials.value())
			.param("credentialsKey", credentials.keyId())
			.param("by", config.createdBy())
			.param("now", SqlTimes.toDb(now))
			.update();
		return config;
	}

	Optional<A2aPushConfig> find(TaskId taskId, String id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM a2a_push_configs WHERE task_id = :task AND id = :id")
			.param("task", taskId.value())
			.param("id", id)
			.query(this::config)
			.optional();
	}

	Optional<A2aPushConfig> byTarget(String targetId) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM a2a_push_configs WHERE target_id = :target")
			.param("target", targetId)
			.query(this::config)
			.optional();
	}

	List<A2aPushConfig> list(TaskId taskId) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM a2a_push_configs WHERE task_id = :task ORDER BY created_at, id")
			.param("task", taskId.value())
			.query(this::config)
			.list();
	}

	int count(TaskId taskId) {
		return this.jdbc.sql("SELECT COUNT(*) FROM a2a_push_configs WHERE task_id = :task")
			.param("task", taskId.value())
			.query(Integer.class)
			.single();
	}

	boolean delete(TaskId taskId, String id) {
		return this.jdbc.sql("DELETE FROM a2a_push_configs WHERE task_id = :task AND id = :id")
			.param("task", taskId.value())
			.param("id", id)
			.update() > 0;
	}

	/**
	 * The configs of some tasks with the digest of the last status queued for each: one
	 * query per {@value #CHUNK} tasks, nothing decrypted.
	 * @param taskIds the tasks
	 * @return the targets of each task that has any, with their last status digests
	 */
	Map<String, List<Target>> targets(Collection<String> taskIds) {
		Map<String, List<Target>> targets = new LinkedHashMap<>();
		List<String> ids = List.copyOf(taskIds);
		for (int from = 0; from < ids.size(); from += CHUNK) {
			this.jdbc
				.sql("SELECT target_id, task_id, last_status FROM a2a_push_configs WHERE task_id IN (:ids) "
						+ "ORDER BY task_id, created_at, target_id")
				.param("ids", ids.subList(from, Math.min(ids.size(), from + CHUNK)))
				.query((rs) -> {
					targets.computeIfAbsent(rs.getString("task_id"), (task) -> new ArrayList<>())
						.add(new Target(rs.getString("target_id"), rs.getString("last_status")));
				});
		}
		return targets;
	}

	/**
	 * Records the status last queued for some targets.
	 * @param targetIds the targets
	 * @param digest the status's digest
	 */
	void queued(Collection<String> targetIds, String digest) {
		if (targetIds.isEmpty()) {
			return;
		}
		this.jdbc.sql("UPDATE a2a_push_configs SET last_status = :digest WHERE target_id IN (:targets)")
			.param("digest", digest)
			.param("targets", List.copyOf(targetIds))
			.update();
	}

	private A2aPushConfig config(ResultSet rs, int rowNum) throws SQLException {
		String target = rs.getString("target_id");
		return new A2aPushConfig(target, new TaskId(rs.getString("task_id")), rs.getString("id"), rs.getString("url"),
				open(rs.getString("token"), rs.getString("token_key_id"), TOKEN, target), rs.getString("auth_scheme"),
				open(rs.getString("credentials"), rs.getString("credentials_key_id"), CREDENTIALS, target),
				rs.getString("created_by"), SqlTimes.requiredFromDb(rs, "created_at"));
	}

	private @Nullable String open(@Nullable String stored, @Nullable String keyId, String column, String target) {
		return this.cipher.open(stored, keyId, column, target);
	}

	/**
	 * A config as the notifier needs it.
	 *
	 * @param targetId the config's target
	 * @param lastStatus the digest of the status last queued for it, if any
	 */
	record Target(String targetId, @Nullable String lastStatus) {

	}

}
