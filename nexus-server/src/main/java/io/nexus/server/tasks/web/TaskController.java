package io.nexus.server.tasks.web;

import java.net.URI;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.nexus.protocol.TaskPriority;
import io.nexus.protocol.TaskStatus;
import io.nexus.server.agents.AgentId;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.AgentPresence;
import io.nexus.server.tasks.CreatedTask;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskProperties;
import io.nexus.server.tasks.TaskQuery;
import io.nexus.server.tasks.TaskService;
import io.nexus.server.tasks.TaskUsageSource;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tasks API of the seed: create, list, read, update, assign, cancel, retry, history.
 */
@RestController
@RequestMapping("/api/tasks")
@Tag(name = "Tasks", description = "Create, track and steer tasks")
class TaskController {

	private final TaskService tasks;

	private final TaskProperties defaults;

	private final TaskPayloads payloads;

	private final AgentPresence presence;

	private final AuditLog audit;

	private final CreationGate gate;

	private final ObjectProvider<TaskUsageSource> spending;

	private final Clock clock;

	TaskController(TaskService tasks, TaskProperties defaults, TaskPayloads payloads, AgentPresence presence,
			AuditLog audit, CreationGate gate, ObjectProvider<TaskUsageSource> spending, Clock clock) {
		this.clock = clock;
		this.spending = spending;
		this.gate = gate;
		this.audit = audit;
		this.presence = presence;
		this.tasks = tasks;
		this.defaults = defaults;
		this.payloads = payloads;
	}

	@PostMapping
	@Operation(summary = "Create a task",
			description = "201 for a new task; 200 with the earlier task when the idempotency key was seen before. "
					+ "With run_at (at most 366 days ahead) the task is not dispatched before that time.")
	ResponseEntity<TaskResponse> create(@Valid @RequestBody CreateTaskRequest request,
			@RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
			Principal principal, HttpServletRequest http) {
		checkHeaderKey(idempotencyKey);
		NewTask task = request.toNewTask(this.defaults, this.payloads, idempotencyKey, this.clock.instant());
		this.gate.leave(http);
		CreatedTask outcome = this.tasks.create(task, principal.getName());
		TaskResponse body = TaskResponse.of(outcome.task());
		if (!outcome.created()) {
			return ResponseEntity.ok(body);
		}
		return ResponseEntity.created(URI.create("/api/tasks/" + body.id())).body(body);
	}

	@PostMapping("/batch")
	@Operation(summary = "Create up to 1,000 tasks, all or nothing",
			description = "Tasks of one batch may depend on each other through ids chosen by the client.")
	ResponseEntity<Map<String, List<TaskResponse>>> createBatch(@Valid @RequestBody CreateTaskBatchRequest request,
			Principal principal, HttpServletRequest http) {
		Instant now = this.clock.instant();
		List<NewTask> tasks = request.tasks()
			.stream()
			.map((item) -> item.toNewTask(this.defaults, this.payloads, null, now))
			.toList();
		this.gate.leave(http);
		List<CreatedTask> outcomes = this.tasks.createAll(tasks, principal.getName());
		boolean anyCreated = outcomes.stream().anyMatch(CreatedTask::created);
		return ResponseEntity.status(anyCreated ? HttpStatus.CREATED : HttpStatus.OK)
			.body(Map.of("tasks", outcomes.stream().map((outcome) -> TaskResponse.of(outcome.task())).toList()));
	}

	@GetMapping
	@Operation(summary = "List tasks, newest first")
	Page<TaskResponse> list(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String priority,
			@RequestParam(required = false) @Nullable String category,
			@RequestParam(name = "agent_id", required = false) @Nullable String agentId,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String cursor) {
		TaskQuery query = new TaskQuery((status != null) ? parse(status, TaskStatus::fromWireName) : null,
				(priority != null) ? parse(priority, TaskPriority::fromWireName) : null, category,
				(agentId != null) ? new AgentId(agentId) : null);
		return this.tasks.list(query, PageRequest.of(limit, cursor)).map(TaskResponse::of);
	}

	@GetMapping("/{id}")
	@Operation(summary = "Read a task, with why it waits if it is not running yet")
	TaskResponse get(@PathVariable String id) {
		TaskId taskId = new TaskId(id);
		return TaskResponse.of(this.tasks.get(taskId), this.presence, this.spending.getIfAvailable())
			.withRunAt(this.tasks.runAt(taskId));
	}

	@PutMapping("/{id}")
	@Operation(summary = "Update a task, or close it as completed, failed or cancelled")
	TaskResponse update(@PathVariable String id, @Valid @RequestBody UpdateTaskRequest request, Principal principal) {
		return TaskResponse
			.of(this.tasks.update(new TaskId(id), request.toChanges(this.payloads), principal.getName()));
	}

	@PostMapping("/{id}/assign")
	@Operation(summary = "Assign a queued task to an agent")
	TaskResponse assign(@PathVariable String id, @Valid @RequestBody AssignTaskRequest request, Principal principal) {
		boolean force = Boolean.TRUE.equals(request.force());
		TaskResponse body = TaskResponse
			.of(this.tasks.assign(new TaskId(id), new AgentId(request.agentId()), force, principal.getName()));
		this.audit.record("task.assigned", id, AuditLog.SUCCESS,
				"to " + request.agentId() + (force ? " (forced)" : ""));
		return body;
	}

	@PostMapping("/{id}/cancel")
	@Operation(summary = "Cancel a task that has not finished; its dependents are cancelled too")
	TaskResponse cancel(@PathVariable String id,
			@Valid @RequestBody(required = false) @Nullable CancelTaskRequest request, Principal principal) {
		TaskResponse body = TaskResponse
			.of(this.tasks.cancel(new TaskId(id), (request != null) ? request.reason() : null, principal.getName()));
		this.audit.record("task.cancelled", id, AuditLog.SUCCESS, null);
		return body;
	}

	@PostMapping("/{id}/retry")
	@Operation(summary = "Run a failed or cancelled task again, as a new task with retry_of set")
	ResponseEntity<TaskResponse> retry(@PathVariable String id, Principal principal) {
		TaskResponse body = TaskResponse.of(this.tasks.retry(new TaskId(id), principal.getName()));
		return ResponseEntity.created(URI.create("/api/tasks/" + body.id())).body(body);
	}

	@GetMapping("/{id}/events")
	@Operation(summary = "The history of a task: every state change, who made it and why")
	List<TaskEventResponse> events(@PathVariable String id) {
		return this.tasks.history(new TaskId(id)).stream().map(TaskEventResponse::of).toList();
	}

	private static void checkHeaderKey(@Nullable String key) {
		if (key != null && (key.isEmpty() || key.length() > Limits.MAX_IDEMPOTENCY_KEY)) {
			throw InvalidRequestException.badRequest("invalid_idempotency_key",
					"Idempotency-Key must be 1-" + Limits.MAX_IDEMPOTENCY_KEY + " characters");
		}
	}

	private static <T> T parse(String value, Function<String, T> parser) {
		try {
			return parser.apply(value);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidRequestException.badRequest("invalid_filter", ex.getMessage());
		}
	}

}
