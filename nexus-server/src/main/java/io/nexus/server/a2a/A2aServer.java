package io.nexus.server.a2a;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.nexus.protocol.TaskPriority;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.shared.Limits;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.AgentSelector;
import io.nexus.server.tasks.CreatedTask;
import io.nexus.server.tasks.NewTask;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskInputs;
import io.nexus.server.tasks.TaskNotFoundException;
import io.nexus.server.tasks.TaskProperties;
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

	/** At most this many parts in one message. */
	static final int MAX_PARTS = 100;

	/** The longest message, context and skill ids taken. */
	static final int MAX_ID = 128;

	/** The largest page of {@code ListTasks}. */
	static final int MAX_PAGE = 100;

	static final int DEFAULT_PAGE = 50;

	private final TaskService tasks;

	private final TaskInputs inputs;

	private final TaskProperties defaults;

	private final A2aTaskRows rows;

	private final A2aTasks shapes;

	private final AuditLog audit;

	private final JsonMapper json;

	private final Clock clock;

	private final A2aPushConfigs push;

	A2aServer(TaskService tasks, TaskInputs inputs, TaskProperties defaults, A2aTaskRows rows, A2aTasks shapes,
			AuditLog audit, JsonMapper json, Clock clock, A2aPushConfigs push) {
		this.push = push;
		this.tasks = tasks;
		this.inputs = inputs;
		this.defaults = defaults;
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
		List<ObjectNode> parts = parts(message);
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
		NewTask request = newTask(messageId, contextId, parts, metadata);
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
			this.inputs.answer(task.id(), null, answerOf(parts), actor);
		}
		catch (NexusException ex) {
			Map<String, Object> data = new LinkedHashMap<>(ex.properties());
			data.put("reason", ex.code());
			throw new A2aError(A2aError.INVALID_PARAMS, ex.getMessage(), data);
		}
		this.audit.record("a2a.message_sent", taskId, AuditLog.SUCCESS, "answer to the task's input request");
		return this.tasks.get(task.id());
	}

	/**
	 * The answer a follow-up message gives: the value of its one data part, else its
	 * text, else its parts.
	 */
	private JsonNode answerOf(List<ObjectNode> parts) {
		List<ObjectNode> data = parts.stream().filter((part) -> part.has("data")).toList();
		if (parts.size() == 1 && data.size() == 1) {
			return data.get(0).get("data");
		}
		if (data.isEmpty() && parts.stream().allMatch((part) -> part.has("text"))) {
			return this.json.getNodeFactory().stringNode(text(parts));
		}
		ArrayNode all = this.json.createArrayNode();
		parts.forEach(all::add);
		return all;
	}

	private NewTask newTask(String messageId, String contextId, List<ObjectNode> parts,
			Map<String, JsonNode> metadata) {
		String skill = metadataText(metadata, "skill");
		if (skill == null) {
			throw A2aError.invalidParams(
					"metadata.skill is required: the capability the task needs (one of the Agent Card's skills)");
		}
		if (!skill.matches(Limits.NAME_PATTERN)) {
			throw A2aError.invalidParams("metadata.skill '" + shorten(skill) + "' is not a capability name");
		}
		TaskPriority priority = TaskPriority.MEDIUM;
		String wantedPriority = metadataText(metadata, "priority");
		if (wantedPriority != null) {
			try {
				priority = TaskPriority.fromWireName(wantedPriority);
			}
			catch (IllegalArgumentException ex) {
				throw A2aError.invalidParams("metadata.priority must be low, medium, high or critical");
			}
		}
		String fairnessKey = metadataText(metadata, "fairness_key");
		if (fairnessKey != null && !fairnessKey.matches(Limits.FAIRNESS_KEY_PATTERN)) {
			throw A2aError.invalidParams("metadata.fairness_key '" + shorten(fairnessKey) + "' is not a fairness key");
		}
		AgentSelector selector = null;
		JsonNode labels = metadata.get("labels");
		if (labels != null && !labels.isNull()) {
			if (!labels.isObject()) {
				throw A2aError.invalidParams("metadata.labels must be an object of label keys and string values");
			}
			Map<String, String> matchLabels = new LinkedHashMap<>();
			for (var entry : labels.properties()) {
				if (!entry.getValue().isString()) {
					throw A2aError.invalidParams("metadata.labels." + shorten(entry.getKey()) + " must be a string");
				}
				matchLabels.put(entry.getKey(), entry.getValue().asString());
			}
			try {
				selector = matchLabels.isEmpty() ? null : AgentSelector.of(matchLabels, null);
			}
			catch (NexusException ex) {
				throw A2aError.invalidParams("metadata.labels: " + ex.getMessage());
			}
		}
		String text = text(parts);
		String title = metadataText(metadata, "title");
		if (title == null) {
			title = text.isBlank() ? "A2A message " + messageId : text;
		}
		title = plain(title, Limits.MAX_TITLE);
		if (title.isEmpty()) {
			title = "A2A message";
		}
		return new NewTask(null, title, null, priority, skill, List.of(skill), List.of(),
				payload(messageId, contextId, parts, text), null, this.defaults.defaultMaxAttempts(),
				this.defaults.defaultTimeoutSeconds(), "a2a:" + messageId, selector, fairnessKey);
	}

	/**
	 * The payload the agent gets: the message's text (joined), its one data part's value
	 * (when it has exactly one), all its parts, and where it came from.
	 */
	private String payload(String messageId, String contextId, List<ObjectNode> parts, String text) {
		ObjectNode payload = this.json.createObjectNode();
		if (!text.isEmpty()) {
			payload.put("text", text);
		}
		List<ObjectNode> data = parts.stream().filter((part) -> part.has("data")).toList();
		if (data.size() == 1) {
			payload.set("data", data.get(0).get("data"));
		}
		ArrayNode all = payload.putArray("parts");
		parts.forEach(all::add);
		ObjectNode a2a = payload.putObject("a2a");
		a2a.put("messageId", messageId);
		a2a.put("contextId", contextId);
		String serialized = this.json.writeValueAsString(payload);
		int size = serialized.getBytes(StandardCharsets.UTF_8).length;
		if (size > Limits.MAX_PAYLOAD_BYTES) {
			throw new A2aError(A2aError.INVALID_PARAMS,
					"The message is larger than " + Limits.MAX_PAYLOAD_BYTES + " bytes as a task payload",
					Map.of("maxBytes", Limits.MAX_PAYLOAD_BYTES, "bytes", size));
		}
		return serialized;
	}

	private static List<ObjectNode> parts(ObjectNode message) {
		JsonNode node = message.get("parts");
		if (node == null || !node.isArray() || node.isEmpty()) {
			throw A2aError.invalidParams("message.parts must be a non-empty list");
		}
		if (node.size() > MAX_PARTS) {
			throw A2aError.invalidParams("message.parts may hold at most " + MAX_PARTS + " parts");
		}
		List<ObjectNode> parts = new ArrayList<>();
		for (JsonNode part : node) {
			if (!(part instanceof ObjectNode object)) {
				throw A2aError.invalidParams("message.parts holds something that is not a Part object");
			}
			int kinds = 0;
			for (String kind : List.of("text", "raw", "url", "data")) {
				if (object.has(kind) && !object.get(kind).isNull()) {
					kinds++;
				}
			}
			if (kinds != 1) {
				throw A2aError.invalidParams("Each part must have exactly one of text, raw, url or data");
			}
			if (object.has("text") && !object.get("text").isString()) {
				throw A2aError.invalidParams("A text part's text must be a string");
			}
			parts.add(object);
		}
		return parts;
	}

	private static String text(List<ObjectNode> parts) {
		StringBuilder text = new StringBuilder();
		for (ObjectNode part : parts) {
			if (part.has("text")) {
				if (!text.isEmpty()) {
					text.append('\n');
				}
				text.append(part.get("text").asString());
			}
		}
		return text.toString();
	}

	/** One line of plain text, without control characters or lone surrogates, cut. */
	private static String plain(String text, int max) {
		StringBuilder out = new StringBuilder();
		text.codePoints().forEach((c) -> {
			if (Character.isISOControl(c) || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
				out.append(' ');
			}
			else {
				out.appendCodePoint(c);
			}
		});
		String line = out.toString().strip().replaceAll(" {2,}", " ");
		if (line.codePointCount(0, line.length()) > max) {
			line = line.substring(0, line.offsetByCodePoints(0, max - 1)) + "…";
		}
		return line;
	}

	private static String shorten(String value) {
		return (value.length() > 80) ? value.substring(0, 80) + "…" : value;
	}

	private static @Nullable String metadataText(Map<String, JsonNode> metadata, String name) {
		JsonNode value = metadata.get(name);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw A2aError.invalidParams("metadata." + name + " must be a string");
		}
		return value.asString();
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
		if (value != null && (value.isEmpty() || value.length() > MAX_ID || !value.equals(plain(value, MAX_ID)))) {
			throw A2aError.invalidParams(name + " must be 1-" + MAX_ID + " characters of plain text");
		}
		return value;
	}

}
