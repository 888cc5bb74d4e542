package io.nexus.server.ops.web;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.ops.NodeIdentity;
import io.nexus.server.tasks.TaskService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /status}: what this node is and what the fleet looks like.
 */
@RestController
@Tag(name = "Operations")
class StatusController {

	private final NodeIdentity node;

	private final AgentRegistry agents;

	private final TaskService tasks;

	private final String version;

	private final String databaseKind;

	private final Clock clock;

	StatusController(NodeIdentity node, AgentRegistry agents, TaskService tasks, ObjectProvider<BuildProperties> build,
			DataSource dataSource, Clock clock) {
		this.node = node;
		this.agents = agents;
		this.tasks = tasks;
		BuildProperties properties = build.getIfAvailable();
		this.version = (properties != null) ? properties.getVersion() : "development";
		this.databaseKind = databaseKind(dataSource);
		this.clock = clock;
	}

	@GetMapping("/status")
	@Operation(summary = "Version, uptime, node, database, agents and tasks")
	StatusResponse status() {
		Instant now = this.clock.instant();
		Map<String, Long> byStatus = new LinkedHashMap<>();
		this.tasks.countByStatus().forEach((status, count) -> byStatus.put(status.wireName(), count));
		long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
		Map<String, Long> agentCounts = this.agents.counts();
		return new StatusResponse("nexus", this.version, this.node.nodeId(), this.node.startedAt(),
				Duration.between(this.node.startedAt(), now).toSeconds(), this.databaseKind,
				new AgentCounts(agentCounts.get("online"), agentCounts.get("total")), new TaskCounts(total, byStatus));
	}

	private static String databaseKind(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
		}
		catch (SQLException ex) {
			return "unknown";
		}
	}

	record StatusResponse(String service, String version, String nodeId, Instant startedAt, long uptimeSeconds,
			String database, AgentCounts agents, TaskCounts tasks) {

	}

	record AgentCounts(long online, long total) {

	}

	record TaskCounts(long total, Map<String, Long> byStatus) {

	}

}
