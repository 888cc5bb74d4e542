package io.nexus.server.a2a;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.ApiKeyAuthentication;
import io.nexus.server.security.Role;
import io.nexus.server.shared.Ids;
import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.GatedTasks;
import io.nexus.server.tasks.Task;
import io.nexus.server.tasks.TaskId;
import io.nexus.server.tasks.TaskNotFoundException;
import io.nexus.server.tasks.TaskService;
import io.nexus.server.webhooks.ReceiverAddresses;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The push notification config methods of A2A ({@code Create/Get/List/Delete
 * TaskPushNotificationConfig}) and the config a {@code SendMessage} carries. A config
 * belongs to a task, which must be the caller's (an admin's calls reach every task);
 * another's task is not found, as the specification asks. Saving a config queues the task
 * as it is for it at once, so that a change made meanwhile cannot be missed.
 */
@Service
class A2aPushConfigs {

	/** The longest token. */
	static final int MAX_TOKEN = 512;

	/** The longest credentials. */
	static final int MAX_CREDENTIALS = 2048;

	private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1,128}");

	private static final Pattern SCHEME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

	private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7E]*");

	private final A2aPushConfigRows rows;

	private final A2aPushNotifier notifier;

	private final GatedTasks locks;

	private final TaskService tasks;

	private final ReceiverAddresses addresses;

	private final A2aPushProperties properties;

	private final AuditLog audit;

	private final JsonMapper json;

	private final Clock clock;

	private final TransactionTemplate transaction;

	A2aPushConfigs(A2aPushConfigRows rows, A2aPushNotifier notifier, GatedTasks locks, TaskService tasks,
			ReceiverAddresses addresses, A2aPushProperties properties, AuditLog audit, JsonMapper json, Clock clock,
			TransactionTemplate transaction) {
		this.rows = rows;
		this.notifier = notifier;
		this.locks = locks;
		this.tasks = tasks;
		this.addresses = addresses;
		this.properties = properties;
		this.audit = audit;
		this.json = json;
		this.clock = clock;
		this.transaction = transaction;
	}

	/**
	 * Answers one of the four methods.
	 * @param method the method's name
	 * @param params its parameters
	 * @param caller who calls
	 * @return its result ({@code null} for a deletion)
	 */
	JsonNode call(String method, ObjectNode params, Caller caller) {
		checkEnabled();
		TaskId taskId = taskIdOf(params);
		return switch (method) {
			case "CreateTaskPushNotificationConfig" -> shape(attach(taskId, request(params), caller));
			case "GetTaskPushNotificationConfig" -> {
				String id = A2aServer.requiredText(params, "id");
				owned(taskId, caller);
				yield shape(this.rows.find(taskId, id)
					.orElseThrow(() -> new A2aError(A2aError.TASK_NOT_FOUND,
							"Push notification config not found: " + shorten(id), Map.of("taskId", taskId.value()))));
			}
			case "ListTaskPushNotificationConfigs" -> list(taskId, params, caller);
			case "DeleteTaskPushNotificationConfig" -> {
				String id = A2aServer.requiredText(params, "id");
				owned(taskId, caller);
				if (this.rows.delete(taskId, id)) {
					this.audit.record("a2a.push_config_deleted", taskId.value(), AuditLog.SUCCESS, "config " + id);
				}
				yield NullNode.getInstance();
			}
			default -> throw new A2aError(A2aError.METHOD_NOT_FOUND, "Method not found: " + shorten(method));
		};
	}

	/**
	 * The config a {@code SendMessage} asks for, checked before anything is written.
	 * @param configuration the request's {@code configuration}, if any
	 * @return the config, or {@code null} if it asks for none
	 */
	@Nullable Request requested(@Nullable ObjectNode configuration) {
		if (configuration == null) {
			return null;
		}
		if (configuration.has("pushNotificationConfig")) {
			throw A2aError.invalidParams("configuration.pushNotificationConfig is the A2A 0.3 name; "
					+ "A2A 1.0 calls it configuration.taskPushNotificationConfig");
		}
		ObjectNode config = A2aServer.object(configuration, "taskPushNotificationConfig", false);
		if (config == null) {
			return null;
		}
		checkEnabled();
		return request(config);
	}

	/**
	 * Saves a config of a task, or replaces the task's config with the same id, and
	 * queues the task as it is now for it.
	 * @param taskId the task
	 * @param request the config
	 * @param caller who sets it
	 * @return the config as saved
	 */
	A2aPushConfig attach(TaskId taskId, Request request, Caller caller) {
		String id = (request.id() != null) ? request.id() : UUID.randomUUID().toString();
		boolean[] replaced = new boolean[1];
		A2aPushConfig saved = this.transaction.execute((status) -> {
			Task task = lockOwned(taskId, caller);
			replaced[0] = this.rows.find(task.id(), id).isPresent();
			int max = this.properties.maxConfigsPerTask();
			if (!replaced[0] && this.rows.count(task.id()) >= max) {
				throw new A2aError(A2aError.INVALID_PARAMS,
						"Task " + task.id() + " has " + max + " push notification configs, the most it may have "
								+ "(nexus.a2a.push.max-configs-per-task); delete one first",
						Map.of("taskId", task.id().value(), "maxConfigs", max));
			}
			A2aPushConfig config = this.rows.save(new A2aPushConfig(Ids.next("apn"), task.id(), id, request.url(),
					request.token(), request.scheme(), request.credentials(), caller.by(), this.clock.instant()),
					this.clock.instant());
			this.notifier.snapshot(task, config);
			return config;
		});
		URI url = URI.create(request.url());
		this.audit.record(replaced[0] ? "a2a.push_config_replaced" : "a2a.push_config_created", taskId.value(),
				AuditLog.SUCCESS, "config " + id + " posts to " + url.getScheme() + "://" + url.getAuthority());
		return saved;
	}

	private ObjectNode list(TaskId taskId, ObjectNode params, Caller caller) {
		JsonNode size = params.get("pageSize");
		if (size != null && !size.isNull() && (!size.isIntegralNumber() || size.asLong() < 0 || size.asLong() > 100)) {
			throw A2aError.invalidParams("pageSize must be a whole number from 0 (all) to 100");
		}
		String token = A2aServer.optionalText(params, "pageToken");
		if (token != null && !token.isEmpty()) {
			throw A2aError.invalidParams("pageToken is not one this server gave: every config is on the first page");
		}
		owned(taskId, caller);
		ObjectNode response = this.json.createObjectNode();
		ArrayNode configs = response.putArray("configs");
		this.rows.list(taskId).forEach((config) -> configs.add(shape(config)));
		response.put("nextPageToken", "");
		return response;
	}

	/**
	 * The {@code TaskPushNotificationConfig}; the credentials are never shown again.
	 */
	private ObjectNode shape(A2aPushConfig config) {
		ObjectNode node = this.json.createObjectNode();
		node.put("id", config.id());
		node.put("taskId", config.taskId().value());
		node.put("url", config.url());
		if (config.token() != null) {
			node.put("token", config.token());
		}
		if (config.authScheme() != null) {
			node.putObject("authentication").put("scheme", config.authScheme());
		}
		return node;
	}

	private Request request(ObjectNode config) {
		String id = A2aServer.optionalText(config, "id");
		if (id != null && id.isEmpty()) {
			id = null;
		}
		if (id != null && !ID.matcher(id).matches()) {
			throw A2aError.invalidParams("id must be 1-128 visible ASCII characters");
		}
		String url = A2aServer.requiredText(config, "url");
		try {
			this.addresses.validate(url);
		}
		catch (NexusException ex) {
			Map<String, Object> data = new LinkedHashMap<>(ex.properties());
			data.put("reason", ex.code());
			throw new A2aError(A2aError.INVALID_PARAMS, ex.getMessage(), data);
		}
		String token = headerValue(config, "token", MAX_TOKEN);
		ObjectNode authentication = A2aServer.object(config, "authentication", false);
		String scheme = null;
		String credentials = null;
		if (authentication != null) {
			scheme = A2aServer.requiredText(authentication, "scheme");
			if (!SCHEME.matcher(scheme).matches()) {
				throw A2aError.invalidParams("authentication.scheme must be an HTTP authentication scheme, such as "
						+ "Bearer or Basic (1-64 token characters)");
			}
			credentials = headerValue(authentication, "credentials", MAX_CREDENTIALS);
			if (credentials == null) {
				throw A2aError.invalidParams("authentication.credentials is required with authentication.scheme");
			}
		}
		return new Request(id, url, token, scheme, credentials);
	}

	private void checkEnabled() {
		if (!this.properties.enabled()) {
			throw new A2aError(A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED,
					"Push notifications are turned off on this server (nexus.a2a.push.enabled)");
		}
	}

	private Task lockOwned(TaskId taskId, Caller caller) {
		try {
			return owner(this.locks.lock(taskId), caller);
		}
		catch (TaskNotFoundException ex) {
			throw A2aError.taskNotFound(taskId.value());
		}
	}

	private Task owned(TaskId taskId, Caller caller) {
		try {
			return owner(this.tasks.get(taskId), caller);
		}
		catch (TaskNotFoundException ex) {
			throw A2aError.taskNotFound(taskId.value());
		}
	}

	/** Another's task is not found: its configs are not the caller's to see. */
	private static Task owner(Task task, Caller caller) {
		if (!caller.admin() && !caller.name().equals(task.createdBy())) {
			throw A2aError.taskNotFound(task.id().value());
		}
		return task;
	}

	private static TaskId taskIdOf(ObjectNode params) {
		String taskId = A2aServer.requiredText(params, "taskId");
		try {
			return new TaskId(taskId);
		}
		catch (NexusException | IllegalArgumentException ex) {
			throw A2aError.taskNotFound(shorten(taskId));
		}
	}

	private static @Nullable String headerValue(ObjectNode parent, String name, int max) {
		String value = A2aServer.optionalText(parent, name);
		if (value == null || value.isEmpty()) {
			return null;
		}
		if (value.length() > max || !HEADER_VALUE.matcher(value).matches()) {
			throw A2aError.invalidParams(name + " must be at most " + max + " visible ASCII characters or spaces");
		}
		return value;
	}

	private static String shorten(String value) {
		return (value.length() > 80) ? value.substring(0, 80) + "…" : value;
	}

	/**
	 * A config as a client asks for it, checked.
	 *
	 * @param id its id, or {@code null} for one made by Nexus
	 * @param url where to post
	 * @param token the token to send, if any
	 * @param scheme the authentication scheme, if any
	 * @param credentials its credentials
	 */
	record Request(@Nullable String id, String url, @Nullable String token, @Nullable String scheme,
			@Nullable String credentials) {

	}

	/**
	 * Who calls.
	 *
	 * @param name the principal's name, as tasks record their creator (an API key's
	 * owner)
	 * @param keyId the API key the call came with, if any
	 * @param admin whether the caller is an admin, who reaches every task
	 */
	record Caller(String name, @Nullable String keyId, boolean admin) {

		static Caller of(String name) {
			return new Caller(name, null, false);
		}

		/** The caller of a request, with its API key and whether it is an admin. */
		static Caller of(Authentication caller) {
			return new Caller(caller.getName(), (caller instanceof ApiKeyAuthentication key) ? key.keyId() : null,
					Role.of(caller.getAuthorities()).orElse(null) == Role.ADMIN);
		}

		/** Who set a config, as stored: the name, and the key if there was one. */
		String by() {
			return (this.keyId != null) ? this.name + " (API key " + this.keyId + ")" : this.name;
		}

	}

}
