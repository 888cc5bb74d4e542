package io.nexus.server.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskService;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Read-only state as MCP resources: {@code nexus://fleet} (counts of agents and tasks),
 * {@code nexus://tasks/{id}} and {@code nexus://agents/{id}}. Any role may read them, as
 * any role may read the same through the REST API. Each read is audited.
 */
@Component
class McpResources {

	static final String FLEET = "nexus://fleet";

	static final String TASKS = "nexus://tasks/";

	static final String AGENTS = "nexus://agents/";

	private static final String JSON = "application/json";

	private final TaskService tasks;

	private final AgentRegistry agents;

	private final McpViews views;

	private final AuditLog audit;

	private final JsonMapper json;

	McpResources(TaskService tasks, AgentRegistry agents, McpViews views, AuditLog audit, JsonMapper json) {
		this.tasks = tasks;
		this.agents = agents;
		this.views = views;
		this.audit = audit;
		this.json = json;
	}

	List<SyncResourceSpecification> resources() {
		McpSchema.Resource fleet = McpSchema.Resource.builder()
			.uri(FLEET)
			.name("fleet")
			.title("Fleet summary")
			.description("Agents by status and online, tasks by status")
			.mimeType(JSON)
			.build();
		return List
			.of(new SyncResourceSpecification(fleet,
					(exchange, request) -> read(exchange, request.uri(),
							() -> Map.of("agents", Map.of("by_status", byName(this.agents.countByStatus()), "online",
									this.agents.counts().get("online"), "total", this.agents.counts().get("total")),
									"tasks", Map.of("by_status", byName(this.tasks.countByStatus()))))));
	}

	List<SyncResourceTemplateSpecification> templates() {
		McpSchema.ResourceTemplate task = McpSchema.ResourceTemplate.builder()
			.uriTemplate(TASKS + "{id}")
			.name("task")
			.title("Task")
			.description("A task's state, agent, attempts, progress, payload and result")
			.mimeType(JSON)
			.build();
		McpSchema.ResourceTemplate agent = McpSchema.ResourceTemplate.builder()
			.uriTemplate(AGENTS + "{id}")
			.name("agent")
			.title("Agent")
			.description("An agent's status, capabilities, labels and load")
			.mimeType(JSON)
			.build();
		return List.of(
				new SyncResourceTemplateSpecification(task,
						(exchange, request) -> read(exchange, request.uri(),
								() -> this.views.task(this.tasks.get(new TaskId(idOf(request.uri(), TASKS)))))),
				new SyncResourceTemplateSpecification(agent, (exchange, request) -> read(exchange, request.uri(),
						() -> this.views.agent(this.agents.get(new AgentId(idOf(request.uri(), AGENTS)))))));
	}

	private ReadResourceResult read(McpSyncServerExchange exchange, String uri, Reader reader) {
		McpCaller caller = ToolRunner.callerOf(exchange);
		try {
			Object value = reader.read();
			this.audit.recordFrom(caller.name(), caller.address(), "mcp.resource_read", truncate(uri), AuditLog.SUCCESS,
					caller.describe());
			return new ReadResourceResult(
					List.of(new TextResourceContents(uri, JSON, this.json.writeValueAsString(value))));
		}
		catch (NexusException ex) {
			this.audit.recordFrom(caller.name(), caller.address(), "mcp.resource_read", truncate(uri), AuditLog.FAILURE,
					caller.describe() + " error=" + ex.code());
			// the MCP error for a resource that is not there; the problem travels in data
			throw McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND)
				.message(ex.getMessage())
				.data(Map.of("type", "urn:nexus:problem:" + ex.code(), "uri", uri))
				.build();
		}
	}

	private static String idOf(String uri, String prefix) {
		return uri.startsWith(prefix) ? uri.substring(prefix.length()) : "";
	}

	private static String truncate(String uri) {
		return (uri.length() > 120) ? uri.substring(0, 120) : uri;
	}

	private static <K extends Enum<K>> Map<String, Long> byName(Map<K, Long> counts) {
		Map<String, Long> named = new TreeMap<>();
		counts.forEach((key, count) -> named.put(key.name().toLowerCase(java.util.Locale.ROOT), count));
		return new LinkedHashMap<>(named);
	}

	/** Reads what a resource shows. */
	@FunctionalInterface
	private interface Reader {

		Object read();

	}

}
