package io.nexus.server.mcp;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.governance.Approvals;
import io.nexus.server.governance.TaskApproval;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.shared.PlainText;
import io.nexus.server.tasks.CreatedTask;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskProperties;
import io.nexus.server.tasks.TaskQuery;
import io.nexus.server.tasks.TaskService;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The task tools: {@code create_task}, {@code get_task}, {@code list_tasks},
 * {@code cancel_task} and {@code approve_task}, each calling the service of its REST
 * endpoint with that endpoint's role rule.
 */
@Component
class TaskTools {

	private static final String ID_SCHEMA = """
			{"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", "description": "the task's id"}""";

	private final ToolRunner runner;

	private final TaskService tasks;

	private final Approvals approvals;

	private final TaskProperties defaults;

	private final McpViews views;

	private final AuditLog audit;

	private final JsonMapper json;

	TaskTools(ToolRunner runner, TaskService tasks, Approvals approvals, TaskProperties defaults, McpViews views,
			AuditLog audit, JsonMapper json) {
		this.runner = runner;
		this.tasks = tasks;
		this.approvals = approvals;
		this.defaults = defaults;
		this.views = views;
		this.audit = audit;
		this.json = json;
	}

	List<SyncToolSpecification> tools() {
		return List.of(createTask(), getTask(), listTasks(), cancelTask(), approveTask());
	}

	private SyncToolSpecification createTask() {
		String schema = """
				{"type": "object", "additionalProperties": false, "required": ["title"], "properties": {
				  "title": {"type": "string", "minLength": 1, "maxLength": 200},
				  "description": {"type": "string", "maxLength": 10000},
				  "priority": {"type": "string", "enum": ["low", "medium", "high", "critical"]},
				  "category": {"type": "string", "description": "kind of work; the required capability unless required_capabilities is given"},
				  "required_capabilities": {"type": "array", "maxItems": 32, "items": {"type": "string"}},
				  "payload": {"description": "free-form JSON input for the agent, at most 256 KiB"},
				  "estimated_duration": {"type": "integer", "minimum": 0, "description": "minutes"},
				  "max_attempts": {"type": "integer", "minimum": 1, "maximum": 100},
				  "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 604800},
				  "idempotency_key": {"type": "string", "minLength": 1, "maxLength": 200},
				  "agent_selector": {"type": "object", "description": "match_labels and match_expressions, as in the REST API"},
				  "fairness_key": {"type": "string"},
				  "approval": {"type": "object", "description": "the approval it needs before it may run, as in the REST API"}
				}}""";
		return this.runner
			.tool("create_task",
					"Create a task for the fleet (POST /api/tasks). Operator or admin. Returns the task and whether it "
							+ "was created or found by its idempotency key.",
					schema, ToolRunner.WRITERS, false, (call) -> {
						CreateTaskArguments arguments = this.runner.bind(call, CreateTaskArguments.class);
						CreatedTask outcome = this.tasks.create(arguments.toNewTask(this.defaults, this.json),
								call.caller().name());
						return Map.of("created", outcome.created(), "task", this.views.task(outcome.task()));
					});
	}

	private SyncToolSpecification getTask() {
		return this.runner.tool("get_task", "Read a task: state, agent, attempts, progress, payload and result.",
				idSchema(""), ToolRunner.READERS, true, (call) -> {
					TaskIdArguments arguments = this.runner.bind(call, TaskIdArguments.class);
					return this.views.task(this.tasks.get(new TaskId(arguments.id())));
				});
	}

	private SyncToolSpecification listTasks() {
		String schema = """
				{"type": "object", "additionalProperties": false, "properties": {
				  "status": {"type": "string", "enum": ["pending", "queued", "assigned", "in_progress", "input_required", "awaiting_approval", "completed", "failed", "cancelled"]},
				  "priority": {"type": "string", "enum": ["low", "medium", "high", "critical"]},
				  "category": {"type": "string"},
				  "agent_id": {"type": "string"},
				  "limit": {"type": "integer", "minimum": 1, "maximum": 500},
				  "cursor": {"type": "string", "description": "next_cursor of the previous page"}
				}}""";
		return this.runner.tool("list_tasks", "List tasks, newest first, with filters and cursor pagination.", schema,
				ToolRunner.READERS, true, (call) -> {
					ListTasksArguments arguments = this.runner.bind(call, ListTasksArguments.class);
					TaskQuery query = new TaskQuery(
							(arguments.status() != null) ? parse(arguments.status(), TaskStatus::fromWireName) : null,
							(arguments.priority() != null) ? parse(arguments.priority(), TaskPriority::fromWireName)
									: null,
							arguments.category(),
							(arguments.agentId() != null) ? new AgentId(arguments.agentId()) : null);
					return this.tasks.list(query, PageRequest.of(arguments.limit(), arguments.cursor()))
						.map(this.views::task);
				});
	}

	private SyncToolSpecification cancelTask() {
		return this.runner.tool("cancel_task",
				"Cancel a task that has not finished; its dependents are cancelled too. Operator or admin.",
				idSchema(", \"reason\": {\"type\": \"string\", \"maxLength\": 500}"), ToolRunner.WRITERS, false,
				(call) -> {
					CancelArguments arguments = this.runner.bind(call, CancelArguments.class);
					McpCaller caller = call.caller();
					var task = this.tasks.cancel(new TaskId(arguments.id()), arguments.reason(), caller.name());
					this.audit.recordFrom(caller.name(), caller.address(), "task.cancelled", arguments.id(),
							AuditLog.SUCCESS, caller.describe());
					return this.views.task(task);
				});
	}

	private SyncToolSpecification approveTask() {
		return this.runner.tool("approve_task",
				"Approve a task that awaits approval. Whoever the task names as approver may decide, whatever their "
						+ "role; never its creator.",
				idSchema(", \"comment\": {\"type\": \"string\", \"maxLength\": 1000}, "
						+ "\"mfa_code\": {\"type\": \"string\", \"maxLength\": 64}"),
				ToolRunner.READERS, false, (call) -> {
					ApproveArguments arguments = this.runner.bind(call, ApproveArguments.class);
					McpCaller caller = call.caller();
					Approvals.Caller approver = new Approvals.Caller(caller.name(),
							caller.role().map((role) -> role.wireName()).orElse(""));
					TaskApproval approval = this.approvals.approve(new TaskId(arguments.id()), approver,
							arguments.comment(), arguments.mfaCode());
					return Map.of("task_id", arguments.id(), "state", approval.state().wireName(), "approvals",
							approval.approvals(), "min_approvals", approval.spec().minApprovals());
				});
	}

	private static String idSchema(String more) {
		return "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"id\"], "
				+ "\"properties\": {\"id\": " + ID_SCHEMA + more + "}}";
	}

	private static <T> T parse(String value, Function<String, T> parser) {
		try {
			return parser.apply(value);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidRequestException.badRequest("invalid_filter", ex.getMessage());
		}
	}

	/**
	 * A task named by its id.
	 *
	 * @param id the task's id
	 */
	record TaskIdArguments(@NotNull String id) {

	}

	/**
	 * The filters of {@code list_tasks}, those of {@code GET /api/tasks}.
	 *
	 * @param status the state
	 * @param priority the priority
	 * @param category the category
	 * @param agentId the agent it is assigned to
	 * @param limit the page size
	 * @param cursor the previous page's {@code next_cursor}
	 */
	record ListTasksArguments(@Nullable String status, @Nullable String priority, @Nullable String category,
			@Nullable String agentId, @Nullable Integer limit, @Nullable String cursor) {

	}

	/**
	 * The arguments of {@code cancel_task}.
	 *
	 * @param id the task
	 * @param reason why, kept in the task's history
	 */
	record CancelArguments(@NotNull String id,
			@Nullable @Size(max = Limits.MAX_REASON) @PlainText(multiline = true) String reason) {

	}

	/**
	 * The arguments of {@code approve_task}.
	 *
	 * @param id the task
	 * @param comment why
	 * @param mfaCode a current one-time code, required when the caller has MFA
	 */
	record ApproveArguments(@NotNull String id,
			@Nullable @Size(max = 1_000) @PlainText(multiline = true) String comment,
			@Nullable @Size(max = 64) String mfaCode) {

	}

}
