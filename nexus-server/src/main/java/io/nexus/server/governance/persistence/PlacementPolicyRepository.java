package io.nexus.server.governance.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.nexus.server.governance.PlacementPolicy;
import io.nexus.server.governance.PolicyVersion;
import io.nexus.server.shared.SqlTimes;

import io.nexus.server.tasks.ApprovalSpec;
import io.nexus.server.tasks.TaskBudget;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code placement_policies} table (the current version of each policy; deleted ones
 * keep their row with {@code deleted_at}) and {@code placement_policy_versions} (every
 * version ever saved).
 */
@Repository
public class PlacementPolicyRepository {

	private final JdbcClient jdbc;

	private final JsonMapper json;

	public PlacementPolicyRepository(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	public void insert(PlacementPolicy policy) {
		PlacementPolicy.Definition definition = policy.definition();
		this.jdbc
			.sql("""
					INSERT INTO placement_policies (id, name, description, enabled, priority, match_expr, effect,
					    require_expr, approval, budget, version, created_by, created_at, updated_by, updated_at)
					VALUES (:id, :name, :description, :enabled, :priority, :match, :effect, :require, :approval, :budget, :version,
					    :createdBy, :createdAt, :updatedBy, :updatedAt)
					""")
			.param("id", policy.id())
			.params(definitionParams(definition))
			.param("version", policy.version())
			.param("createdBy", policy.createdBy())
			.param("createdAt", SqlTimes.toDb(policy.createdAt()))
			.param("updatedBy", policy.updatedBy())
			.param("updatedAt", SqlTimes.toDb(policy.updatedAt()))
			.update();
	}

	/**
	 * Replaces the current version of a live policy.
	 * @param policy the new version
	 * @return whether the row was there (and at the version before)
	 */
	public boolean update(PlacementPolicy policy) {
		PlacementPolicy.Definition definition = policy.definition();
		return this.jdbc
			.sql("""
					UPDATE placement_policies SET name = :name, description = :description, enabled = :enabled,
					    priority = :priority, match_expr = :match, effect = :effect, require_expr = :require,
					    approval = :approval, budget = :budget, version = :version, updated_by = :updatedBy, updated_at = :updatedAt
					WHERE id = :id AND version = :previous AND deleted_at IS NULL
					""")
			.param("id", policy.id())
			.params(definitionParams(definition))
			.param("version", policy.version())
			.param("previous", policy.version() - 1)
			.param("updatedBy", policy.updatedBy())
			.param("updatedAt", SqlTimes.toDb(policy.updatedAt()))
			.update() == 1;
	}

	/**
	 * Marks a live policy deleted; its versions stay.
	 * @param id the policy
	 * @param version the version the deletion makes
	 * @param actor who deletes
	 * @param now when
	 * @return whether it was live
	 */
	public boolean delete(String id, long version, String actor, Instant now) {
		return this.jdbc.sql("""
				UPDATE placement_policies SET deleted_at = :now, enabled = FALSE, version = :version,
				    updated_by = :actor, updated_at = :now
				WHERE id = :id AND version = :previous AND deleted_at IS NULL
				""")
			.param("id", id)
			.param("version", version)
			.param("previous", version - 1)
			.param("actor", actor)
			.param("now", SqlTimes.toDb(now))
			.update() == 1;
	}

	public void insertVersion(PolicyVersion version) {
		PlacementPolicy.Definition definition = version.definition();
		this.jdbc.sql("""
				INSERT INTO placement_policy_versions (policy_id, version, change, name, description, enabled,
				    priority, match_expr, effect, require_expr, approval, budget, changed_by, changed_at)
				VALUES (:id, :version, :change, :name, :description, :enabled, :priority, :match, :effect,
				    :require, :approval, :budget, :changedBy, :changedAt)
				""")
			.param("id", version.policyId())
			.param("version", version.version())
			.param("change", version.change())
			.params(definitionParams(definition))
			.param("changedBy", version.changedBy())
			.param("changedAt", SqlTimes.toDb(version.changedAt()))
			.update();
	}

	/**
	 * The policies not deleted, in the order they apply.
	 * @return by priority, then name
	 */
	public List<PlacementPolicy> findLive() {
		return this.jdbc.sql("SELECT * FROM placement_policies WHERE deleted_at IS NULL ORDER BY priority, name, id")
			.query(this::row)
			.list();
	}

	public Optional<PlacementPolicy> findLive(String id) {
		return this.jdbc.sql("SELECT * FROM placement_policies WHERE id = :id AND deleted_at IS NULL")
			.param("id", id)
			.query(this::row)
			.optional();
	}

	public boolean exists(String id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM placement_policies WHERE id = :id")
			.param("id", id)
			.query(Long.class)
			.single() > 0;
	}

	public List<PolicyVersion> versions(String id) {
		return this.jdbc.sql("SELECT * FROM placement_policy_versions WHERE policy_id = :id ORDER BY version DESC")
			.param("id", id)
			.query((rs, rowNum) -> new PolicyVersion(rs.getString("policy_id"), rs.getLong("version"),
					rs.getString("change"), definition(rs), rs.getString("changed_by"),
					SqlTimes.requiredFromDb(rs, "changed_at")))
			.list();
	}

	private PlacementPolicy row(ResultSet rs, int rowNum) throws SQLException {
		return new PlacementPolicy(rs.getString("id"), rs.getLong("version"), definition(rs),
				rs.getString("created_by"), SqlTimes.requiredFromDb(rs, "created_at"), rs.getString("updated_by"),
				SqlTimes.requiredFromDb(rs, "updated_at"));
	}

	private PlacementPolicy.Definition definition(ResultSet rs) throws SQLException {
		String approval = rs.getString("approval");
		String budget = rs.getString("budget");
		return new PlacementPolicy.Definition(rs.getString("name"), rs.getString("description"),
				rs.getBoolean("enabled"), rs.getInt("priority"), rs.getString("match_expr"),
				PlacementPolicy.Effect.valueOf(rs.getString("effect").toUpperCase(Locale.ROOT)),
				rs.getString("require_expr"),
				(approval != null) ? this.json.readValue(approval, ApprovalSpec.class) : null,
				(budget != null) ? this.json.readValue(budget, TaskBudget.class) : null);
	}

	/**
	 * The named parameters of a policy's definition, the same in every table that keeps
	 * one.
	 */
	private Map<String, Object> definitionParams(PlacementPolicy.Definition definition) {
		Map<String, Object> params = new HashMap<>();
		params.put("name", definition.name());
		params.put("description", definition.description());
		params.put("enabled", definition.enabled());
		params.put("priority", definition.priority());
		params.put("match", definition.match());
		params.put("effect", definition.effect().wireName());
		// null for a deny policy
		params.put("require", definition.require());
		// null unless the policy requires approval
		params.put("approval",
				(definition.approval() != null) ? this.json.writeValueAsString(definition.approval()) : null);
		// null unless the policy gives a budget
		params.put("budget", (definition.budget() != null) ? this.json.writeValueAsString(definition.budget()) : null);
		return params;
	}

}
