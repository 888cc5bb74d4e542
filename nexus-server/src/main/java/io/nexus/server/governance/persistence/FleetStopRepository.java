package io.nexus.server.governance.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.nexus.server.governance.FleetStop;
import io.nexus.server.shared.SqlTimes;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code fleet_stops} table: every emergency stop, active ones with no
 * {@code ended_at}. Rows are kept after a resume, as the record of what happened.
 */
@Repository
public class FleetStopRepository {

	private static final TypeReference<List<String>> LIST = new TypeReference<>() {
	};

	private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json;

	public FleetStopRepository(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	public void insert(FleetStop stop) {
		this.jdbc.sql("""
				INSERT INTO fleet_stops (id, mode, agent_ids, agent_labels, categories, reason, created_by, created_at)
				VALUES (:id, :mode, :agentIds, :agentLabels, :categories, :reason, :createdBy, :createdAt)
				""")
			.param("id", stop.id())
			.param("mode", stop.mode().wireName())
			.param("agentIds", this.json.writeValueAsString(stop.scope().agentIds()))
			.param("agentLabels", this.json.writeValueAsString(new TreeMap<>(stop.scope().agentLabels())))
			.param("categories", this.json.writeValueAsString(stop.scope().categories()))
			.param("reason", stop.reason())
			.param("createdBy", stop.createdBy())
			.param("createdAt", SqlTimes.toDb(stop.createdAt()))
			.update();
	}

	public List<FleetStop> findActive() {
		return this.jdbc.sql("SELECT * FROM fleet_stops WHERE ended_at IS NULL ORDER BY created_at, id")
			.query(this::row)
			.list();
	}

	/**
	 * Ends active stops.
	 * @param id the stop to end, or {@code null} for all
	 * @param actor who resumes
	 * @param now the time
	 * @return how many ended
	 */
	public int end(@Nullable String id, String actor, Instant now) {
		String sql = "UPDATE fleet_stops SET ended_at = :now, ended_by = :actor WHERE ended_at IS NULL"
				+ ((id != null) ? " AND id = :id" : "");
		var statement = this.jdbc.sql(sql).param("now", SqlTimes.toDb(now)).param("actor", actor);
		if (id != null) {
			statement = statement.param("id", id);
		}
		return statement.update();
	}

	private FleetStop row(ResultSet rs, int rowNum) throws SQLException {
		Map<String, String> labels = this.json.readValue(rs.getString("agent_labels"), LABELS);
		FleetStop.Scope scope = new FleetStop.Scope(this.json.readValue(rs.getString("agent_ids"), LIST), labels,
				this.json.readValue(rs.getString("categories"), LIST));
		return new FleetStop(rs.getString("id"), FleetStop.Mode.valueOf(rs.getString("mode").toUpperCase(Locale.ROOT)),
				scope, rs.getString("reason"), rs.getString("created_by"), SqlTimes.requiredFromDb(rs, "created_at"),
				SqlTimes.fromDb(rs, "ended_at"), rs.getString("ended_by"));
	}

}
