package io.nexus.server.a2a;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.CreatedTask;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskInputs;
import io.nexus.server.tasks.TaskNotFoundException;
import io.nexus.server.tasks.TaskService;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Service;

/**
 * The A2A methods over Nexus tasks, whatever the binding: a message creates a task (or
 * answers the question of a task waiting for input), tasks are read, listed and cancelled
 * (docs/interop.md has the mapping).
 */
@Service
class A2aServer {

	/** The longest message, context and skill ids taken. */
	static final int MAX_ID = 128;

	/** The largest page of {@code ListTasks}. */
	static final int MAX_PAGE = 100;

	static final int DEFAULT_PAGE = 50;

	private final TaskService tasks;

	private final TaskInputs inputs;

	private final A2aMessages messages;

	private final A2aTaskRows rows;

	private final A2aTasks shapes;

	private final AuditLog audit;

	private final JsonMapper json;

	private final Clock clock;

	private final A2aPushConfigs push;

	A2aServer(TaskService tasks, TaskInputs inputs, A2aMessages messages, A2aTaskRows rows, A2aTasks shapes,
			AuditLog audit, JsonMapper json, Clock clock, A2aPushConfigs push) {
		this.push = push;
		this.tasks = tasks;
		this.inputs = inputs;
		this.messages = messages;
		this.rows = rows;
		this.shapes = shapes;
		this.audit = audit;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * {@code SendMessage}: a new task, or the answer to the question of a task in
	 * {@code TASK_STATE_INPUT_REQUIRED} when the message names the task.
	 * @param params the {@code SendMessageRequest}
	 * @param actor who sends it
	 * @return the task as it is right after
	 */
	Task send(ObjectNode params, String actor) {
		ObjectNode message = object(params, "message", true);
		List<ObjectNode> parts = A2aMessages.parts(message);
		String messageId = id(message, "messageId", true);
		String role = optionalText(message, "role");
		if (role != null && !"ROLE_USER".equals(role)) {
			throw A2aError.invalidParams("message.role must be ROLE_USER, not '" + role + "'");
		}
		A2aPushConfigs.Request push = this.push.requested(object(params, "configuration", false));
		String taskId = optionalText(message, "taskId");
		if (taskId != null) {
			return answer(taskId, parts, actor, push);
		}
		Map<String, JsonNode> metadata = new LinkedHashMap<>();
		ObjectNode messageMetadata = object(message, "metadata", false);
		ObjectNode requestMetadata = object(params, "metadata", false);
		if (messageMetadata != null) {
			messageMetadata.properties().forEach((entry) -> metadata.put(entry.getKey(), entry.getValue()));
		}
		if (requestMetadata != null) {
			requestMetadata.properties().forEach((entry) -> metadata.put(entry.getKey(), entry.getValue()));
		}
		String contextId = id(message, "contextId", false);
		if (contextId == null) {
			contextId = UUID.randomUUID().toString();
		}
		NewTask request = this.messages.newTask(messageId, contextId, parts, metadata);
		CreatedTask outcome;
		try {
			outcome = this.tasks.create(request, actor);
		}
		catch (NexusException ex) {
			throw A2aError.invalidParams(ex.getMessage());
		}
		if (outcome.created()) {
			this.rows.insert(outcome.task().id(), contextId, actor, this.clock.instant());
			this.audit.record("a2a.message_sent", outcome.task().id().value(), AuditLog.SUCCESS,
					"new task for skill " + request.category());
			if (push != null) {
				this.push.attach(outcome.task().id(), push, A2aPushConfigs.Caller.of(actor));
			}
		}
		return outcome.task();
	}

	/**
	 * {@code GetTask}.
	 * @param params the {@code GetTaskRequest}
	 * @return the task
	 */
	Task get(ObjectNode params) {
		return find(requiredText(params, "id"));
	}

	/**
	 * {@code CancelTask}: cancels a task that has not finished.
	 * @param params the {@code CancelTaskRequest}
	 * @param actor who cancels it
	 * @return the task, cancelled
	 */
	Task cancel(ObjectNode params, String actor) {
		Task task = find(requiredText(params, "id"));
		if (A2aTasks.terminal(A2aTasks.state(task))) {
			throw new A2aError(A2aError.TASK_NOT_CANCELABLE,
					"Task " + task.id() + " is " + A2aTasks.state(task) + " and cannot be canceled",
					Map.of("taskId", task.id().value(), "state", A2aTasks.state(task)));
		}
		Task cancelled;
		try {
			cancelled = this.tasks.cancel(task.id(), "cancelled through A2A by " + actor, actor);
		}
		catch (NexusException ex) {
			throw new A2aError(A2aError.TASK_NOT_CANCELABLE, ex.getMessage(), Map.of("taskId", task.id().value()));
		}
		this.audit.record("task.cancelled", task.id().value(), AuditLog.SUCCESS, "through A2A");
		return cancelled;
	}

	/**
	 * {@code ListTasks}: the tasks created through A2A, newest first.
	 * @param params the {@code ListTasksRequest}
	 * @return the {@code ListTasksResponse}
	 */
	ObjectNode list(ObjectNode params) {
		String contextId = optionalText(params, "contextId");
		String state = optionalText(params, "status");
		if ("TASK_STATE_UNSPECIFIED".equals(state)) {
			state = null;
		}
		int pageSize = DEFAULT_PAGE;
		JsonNode size = params.get("pageSize");
		if (size != null && !size.isNull()) {
			if (!size.isIntegralNumber() || size.asLong() < 1 || size.asLong() > MAX_PAGE) {
				throw A2aError.invalidParams("pageSize must be a whole number from 1 to " + MAX_PAGE);
			}
			pageSize = size.asInt();
		}
		Long before = null;
		String token = optionalText(params, "pageToken");
		if (token != null && !token.isEmpty()) {
			try {
				before = Long.parseLong(token);
			}
			catch (NumberFormatException ex) {
				throw A2aError.invalidParams("pageToken is not one this server gave");
			}
		}
		Instant after = null;
		String timestamp = optionalText(params, "statusTimestampAfter");
		if (timestamp != null) {
			try {
				after = Instant.parse(timestamp);
			}
			catch (DateTimeParseException ex) {
				throw A2aError.invalidParams("statusTimestampAfter must be an RFC 3339 time");
			}
		}
		boolean artifacts = params.path("includeArtifacts").asBoolean(false);
		A2aTaskRows.Filter filter = new A2aTaskRows.Filter(contextId,
				(state != null) ? A2aTasks.nexusStates(state) : null, after);
		List<A2aTaskRows.Row> page = this.rows.page(filter, before, pageSize + 1);
		ObjectNode response = this.json.createObjectNode();
		ArrayNode list = response.putArray("tasks");
		for (int i = 0; i < Math.min(page.size(), pageSize); i++) {
			A2aTaskRows.Row row = page.get(i);
			Task task;
			try {
				task = this.tasks.get(row.taskId());
			}
			catch (TaskNotFoundException ex) {
				continue;
			}
			if (state != null && !state.equals(A2aTasks.state(task))) {
				continue;
			}
			ObjectNode shape = this.shapes.task(task, row.contextId());
			if (!artifacts) {
				shape.remove("artifacts");
			}
			list.add(shape);
		}
		// always present, empty on the last page, as the specification says
		response.put("nextPageToken", (page.size() > pageSize) ? Long.toString(page.get(pageSize - 1).seq()) : "");
		response.put("pageSize", pageSize);
		response.put("totalSize", this.rows.count(filter));
		return response;
	}

	/**
	 * The task a streaming or subscribing client names.
	 * @param id the task id
	 * @return the task
	 */
	Task find(String id) {
		try {
			return this.tasks.get(new TaskId(id));
		}
		catch (TaskNotFoundException | IllegalArgumentException ex) {
			throw A2aError.taskNotFound(id);
		}
	}

	String contextOf(Task task) {
		return this.rows.contextOf(task.id()).orElse(task.id().value());
	}

	private Task answer(String taskId, List<ObjectNode> parts, String actor, A2aPushConfigs.@Nullable Request push) {
		Task task = find(taskId);
		String state = A2aTasks.state(task);
		if (!A2aTasks.INPUT_REQUIRED.equals(state)) {
			throw new A2aError(A2aError.UNSUPPORTED_OPERATION,
					"Task " + taskId + " is " + state
							+ "; only a task in TASK_STATE_INPUT_REQUIRED takes a follow-up message",
					Map.of("taskId", taskId, "state", state));
		}
		if (push != null) {
			// saved before the answer, so that the change it causes is posted
			this.push.attach(task.id(), push, A2aPushConfigs.Caller.of(actor));
		}
		try {
			this.inputs.answer(task.id(), null, this.messages.answerOf(parts), actor);
		}
		catch (NexusException ex) {
			Map<String, Object> data = new LinkedHashMap<>(ex.properties());
			data.put("reason", ex.code());
			throw new A2aError(A2aError.INVALID_PARAMS, ex.getMessage(), data);
		}
		this.audit.record("a2a.message_sent", taskId, AuditLog.SUCCESS, "answer to the task's input request");
		return this.tasks.get(task.id());
	}

	static @Nullable ObjectNode object(ObjectNode parent, String name, boolean required) {
		JsonNode node = parent.get(name);
		if (node == null || node.isNull()) {
			if (required) {
				throw A2aError.invalidParams(name + " is required");
			}
			return null;
		}
		if (!(node instanceof ObjectNode object)) {
			throw A2aError.invalidParams(name + " must be an object");
		}
		return object;
	}

	static @Nullable String optionalText(ObjectNode parent, String name) {
		JsonNode node = parent.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw A2aError.invalidParams(name + " must be a string");
		}
		return node.asString();
	}

	static String requiredText(ObjectNode parent, String name) {
		String value = optionalText(parent, name);
		if (value == null || value.isEmpty()) {
			throw A2aError.invalidParams(name + " is required");
		}
		return value;
	}

	private static @Nullable String id(ObjectNode parent, String name, boolean required) {
		String value = required ? requiredText(parent, name) : optionalText(parent, name);
		if (value != null
				&& (value.isEmpty() || value.length() > MAX_ID || !value.equals(A2aMessages.plain(value, MAX_ID)))) {
			throw A2aError.invalidParams(name + " must be 1-" + MAX_ID + " characters of plain text");
		}
		return value;
	}

}
