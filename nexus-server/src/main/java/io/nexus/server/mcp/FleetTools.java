package io.nexus.server.mcp;

import java.util.List;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.nexus.protocol.AgentStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentQuery;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.usage.UsageQuery;
import io.nexus.server.usage.UsageStatistics;
import io.nexus.server.usage.UsageStatistics.Summary;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The fleet tools: {@code list_agents}, {@code pause_agent}, {@code resume_agent} and
 * {@code get_usage}, each calling the service of its REST endpoint with that endpoint's
 * role rule.
 */
@Component
class FleetTools {

	private static final String AGENT_ID_SCHEMA = """
			{"type": "object", "additionalProperties": false, "required": ["id"], "properties": {
			  "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", "description": "the agent's id"}
			}}""";

	private final ToolRunner runner;

	private final AgentRegistry agents;

	private final UsageStatistics usage;

	private final McpViews views;

	FleetTools(ToolRunner runner, AgentRegistry agents, UsageStatistics usage, McpViews views) {
		this.runner = runner;
		this.agents = agents;
		this.usage = usage;
		this.views = views;
	}

	List<SyncToolSpecification> tools() {
		return List.of(listAgents(),
				setStatus("pause_agent", AgentStatus.PAUSED,
						"Pause an agent: it gets no new tasks and keeps its running ones. Operator or admin."),
				setStatus("resume_agent", AgentStatus.ACTIVE, "Resume a paused or draining agent. Operator or admin."),
				getUsage());
	}

	private SyncToolSpecification listAgents() {
		String schema = """
				{"type": "object", "additionalProperties": false, "properties": {
				  "status": {"type": "string", "enum": ["active", "idle", "busy", "paused", "draining", "maintenance", "error", "offline"]},
				  "capability": {"type": "string"},
				  "online": {"type": "boolean"},
				  "limit": {"type": "integer", "minimum": 1, "maximum": 500},
				  "cursor": {"type": "string", "description": "next_cursor of the previous page"}
				}}""";
		return this.runner.tool("list_agents", "List agents, newest first, with filters and cursor pagination.", schema,
				ToolRunner.READERS, true, (call) -> {
					ListAgentsArguments arguments = this.runner.bind(call, ListAgentsArguments.class);
					AgentQuery query = new AgentQuery(
							(arguments.status() != null) ? parseStatus(arguments.status()) : null,
							arguments.capability(), arguments.online());
					return this.agents.list(query, PageRequest.of(arguments.limit(), arguments.cursor()))
						.map(this.views::agent);
				});
	}

	private SyncToolSpecification setStatus(String name, AgentStatus status, String description) {
		return this.runner.tool(name, description, AGENT_ID_SCHEMA, ToolRunner.WRITERS, false, (call) -> {
			AgentIdArguments arguments = this.runner.bind(call, AgentIdArguments.class);
			return this.views.agent(this.agents.setStatus(new AgentId(arguments.id()), status));
		});
	}

	private SyncToolSpecification getUsage() {
		String schema = """
				{"type": "object", "additionalProperties": false, "properties": {
				  "group_by": {"type": "string", "enum": ["agent", "creator", "category", "fairness_key", "model"]},
				  "range": {"type": "string", "enum": ["1h", "6h", "24h", "7d", "30d", "90d"]},
				  "bucket": {"type": "string", "enum": ["hour", "day"]}
				}}""";
		return this.runner.tool("get_usage",
				"Tokens and cost that agents reported, summed by a key and over time (GET /api/usage).", schema,
				ToolRunner.READERS, true, (call) -> {
					UsageArguments arguments = this.runner.bind(call, UsageArguments.class);
					UsageQuery query = UsageQuery.of(arguments.groupBy(), arguments.range(), arguments.bucket());
					Summary summary = this.usage.summarize(query.groupBy(), query.span(), query.bucketHours());
					return new UsageAnswer(query.groupBy().wireName(), query.range(), query.bucket(), summary);
				});
	}

	private static AgentStatus parseStatus(String status) {
		try {
			return AgentStatus.fromWireName(status);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidRequestException.badRequest("invalid_filter", ex.getMessage());
		}
	}

	/**
	 * An agent named by its id.
	 *
	 * @param id the agent's id
	 */
	record AgentIdArguments(@NotNull String id) {

	}

	/**
	 * The filters of {@code list_agents}, those of {@code GET /api/agents}.
	 *
	 * @param status the status
	 * @param capability a capability it must offer
	 * @param online whether it is connected
	 * @param limit the page size
	 * @param cursor the previous page's {@code next_cursor}
	 */
	record ListAgentsArguments(@Nullable String status, @Nullable String capability, @Nullable Boolean online,
			@Nullable Integer limit, @Nullable String cursor) {

	}

	/**
	 * The arguments of {@code get_usage}, those of {@code GET /api/usage}.
	 *
	 * @param groupBy the key
	 * @param range how far back
	 * @param bucket hour or day
	 */
	record UsageArguments(@Nullable String groupBy, @Nullable String range, @Nullable String bucket) {

	}

	/**
	 * Usage summed, as {@code GET /api/usage} answers.
	 *
	 * @param groupBy the key
	 * @param range the range asked
	 * @param bucket the size of a time bucket
	 * @param summary the totals, per group and per bucket
	 */
	record UsageAnswer(String groupBy, String range, String bucket, Summary summary) {

	}

}
