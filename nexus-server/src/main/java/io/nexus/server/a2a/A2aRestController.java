package io.nexus.server.a2a;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.Task;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The HTTP+JSON binding of A2A 1.0 under {@code /api/a2a/v1} (docs/interop.md): the same
 * methods as the JSON-RPC binding ({@link A2aServer}, {@link A2aStreams}), with the
 * request in the path, query or body and errors as {@code google.rpc.Status}
 * ({@link A2aRestErrors}). Roles are checked by the URL rules of the API: reads take any
 * role, {@code POST} needs operator or admin, except subscribing.
 */
@RestController
@Hidden
@RequestMapping(A2aRestController.BASE)
@ConditionalOnProperty(name = "nexus.a2a.enabled", havingValue = "true", matchIfMissing = true)
class A2aRestController {

	static final String BASE = "/api/a2a/v1";

	/** The media type of A2A's HTTP+JSON requests and answers. */
	static final MediaType A2A_JSON = MediaType.parseMediaType("application/a2a+json");

	private static final Logger logger = LoggerFactory.getLogger(A2aRestController.class);

	private final A2aServer server;

	private final A2aStreams streams;

	private final A2aProperties properties;

	private final JsonMapper json;

	private final A2aPushConfigs push;

	A2aRestController(A2aServer server, A2aStreams streams, A2aProperties properties, JsonMapper json,
			A2aPushConfigs push) {
		this.push = push;
		this.server = server;
		this.streams = streams;
		this.properties = properties;
		this.json = json;
	}

	/** {@code SendMessage}: blocks until the task settles, unless asked not to. */
	@PostMapping("/message:send")
	DeferredResult<ResponseEntity<String>> send(HttpServletRequest request,
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version,
			Authentication caller) throws IOException {
		A2aRequests.checkVersion(version);
		ObjectNode params = body(request, true);
		boolean immediately = A2aStreams.returnsImmediately(params);
		Task task = this.server.send(params, caller.getName());
		DeferredResult<ResponseEntity<String>> answer = new DeferredResult<>(this.streams.blockingTimeoutMillis(),
				() -> error(new A2aError(A2aError.INTERNAL_ERROR, "The wait for the task ran out; read it again")));
		if (immediately || A2aTasks.settled(A2aTasks.state(task))) {
			answer.setResult(ok(this.streams.sendResponse(task)));
			return answer;
		}
		Runnable stop = this.streams.awaitSettled(task, (now) -> answer.setResult(ok(this.streams.sendResponse(now))),
				() -> answer.setResult(error(A2aError.taskNotFound(task.id().value()))));
		answer.onCompletion(stop);
		answer.onError((ex) -> stop.run());
		return answer;
	}

	/** {@code SendStreamingMessage}. */
	@PostMapping("/message:stream")
	ResponseEntity<SseEmitter> stream(HttpServletRequest request,
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version,
			Authentication caller) throws IOException {
		A2aRequests.checkVersion(version);
		ObjectNode params = body(request, true);
		return stream(this.server.send(params, caller.getName()), "send");
	}

	/**
	 * {@code GetTask}. Nexus keeps no message history, so {@code historyLength} is
	 * checked and then has nothing to cut.
	 */
	@GetMapping("/tasks/{id}")
	ResponseEntity<String> get(@PathVariable String id, @RequestParam(required = false) @Nullable String historyLength,
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version) {
		A2aRequests.checkVersion(version);
		whole(historyLength, "historyLength", 0, Integer.MAX_VALUE);
		return ok(this.streams.task(this.server.find(id)));
	}

	/** {@code ListTasks}, its request in the query. */
	@GetMapping("/tasks")
	ResponseEntity<String> list(@RequestParam(required = false) @Nullable String contextId,
			@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String pageSize,
			@RequestParam(required = false) @Nullable String pageToken,
			@RequestParam(required = false) @Nullable String historyLength,
			@RequestParam(required = false) @Nullable String statusTimestampAfter,
			@RequestParam(required = false) @Nullable String includeArtifacts,
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version) {
		A2aRequests.checkVersion(version);
		whole(historyLength, "historyLength", 0, Integer.MAX_VALUE);
		ObjectNode params = this.json.createObjectNode();
		params.put("contextId", contextId);
		params.put("status", status);
		Integer size = whole(pageSize, "pageSize", 1, A2aServer.MAX_PAGE);
		if (size != null) {
			params.put("pageSize", size);
		}
		params.put("pageToken", pageToken);
		params.put("statusTimestampAfter", statusTimestampAfter);
		if (includeArtifacts != null) {
			if (!includeArtifacts.equals("true") && !includeArtifacts.equals("false")) {
				throw A2aError.invalidParams("includeArtifacts must be true or false");
			}
			params.put("includeArtifacts", Boolean.parseBoolean(includeArtifacts));
		}
		return ok(this.server.list(params));
	}

	/**
	 * {@code CancelTask}; a body, when sent, must be a JSON object (its fields are not
	 * used).
	 */
	@PostMapping("/tasks/{id}:cancel")
	ResponseEntity<String> cancel(@PathVariable String id, HttpServletRequest request,
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version,
			Authentication caller) throws IOException {
		A2aRequests.checkVersion(version);
		body(request, false);
		ObjectNode params = this.json.createObjectNode();
		params.put("id", id);
		return ok(this.streams.task(this.server.cancel(params, caller.getName())));
	}

	/**
	 * {@code SubscribeToTask}: {@code GET} as the protocol's definition binds it,
	 * {@code POST} as the specification's table and the official SDKs send it.
	 */
	@RequestMapping(path = "/tasks/{id}:subscribe", method = { RequestMethod.GET, RequestMethod.POST })
	ResponseEntity<SseEmitter> subscribe(@PathVariable String id, HttpServletRequest request,
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version)
			throws IOException {
		A2aRequests.checkVersion(version);
		body(request, false);
		return stream(this.streams.subscribable(id), "subscribe");
	}

	/**
	 * {@code CreateTaskPushNotificationConfig} ({@code POST}, the config in the body) and
	 * {@code ListTaskPushNotificationConfigs} ({@code GET}, paging in the query).
	 */
	@RequestMapping(path = "/tasks/{id}/pushNotificationConfigs", method = { RequestMethod.GET, RequestMethod.POST })
	ResponseEntity<String> pushConfigs(@PathVariable String id, HttpServletRequest request,
			@RequestParam(required = false) @Nullable String pageSize,
			@RequestParam(required = false) @Nullable String pageToken,
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version,
			Authentication caller) throws IOException {
		A2aRequests.checkVersion(version);
		boolean create = "POST".equals(request.getMethod());
		ObjectNode params = create ? body(request, true) : this.json.createObjectNode();
		params.put("taskId", id);
		if (!create) {
			Integer size = whole(pageSize, "pageSize", 1, A2aServer.MAX_PAGE);
			if (size != null) {
				params.put("pageSize", size);
			}
			params.put("pageToken", pageToken);
		}
		return ok(this.push.call(create ? "CreateTaskPushNotificationConfig" : "ListTaskPushNotificationConfigs",
				params, A2aPushConfigs.Caller.of(caller)));
	}

	/**
	 * {@code GetTaskPushNotificationConfig} ({@code GET}) and
	 * {@code DeleteTaskPushNotificationConfig} ({@code DELETE}, answered with an empty
	 * object).
	 */
	@RequestMapping(path = "/tasks/{id}/pushNotificationConfigs/{configId}",
			method = { RequestMethod.GET, RequestMethod.DELETE })
	ResponseEntity<String> pushConfig(@PathVariable String id, @PathVariable String configId,
			HttpServletRequest request,
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version,
			Authentication caller) {
		A2aRequests.checkVersion(version);
		ObjectNode params = this.json.createObjectNode();
		params.put("taskId", id);
		params.put("id", configId);
		if ("DELETE".equals(request.getMethod())) {
			this.push.call("DeleteTaskPushNotificationConfig", params, A2aPushConfigs.Caller.of(caller));
			return ok(this.json.createObjectNode());
		}
		return ok(this.push.call("GetTaskPushNotificationConfig", params, A2aPushConfigs.Caller.of(caller)));
	}

	/** {@code GetExtendedAgentCard}. */
	@GetMapping("/extendedAgentCard")
	ResponseEntity<String> extendedCard(
			@RequestHeader(name = A2aRequests.VERSION_HEADER, required = false) @Nullable String version) {
		A2aRequests.checkVersion(version);
		throw new A2aError(A2aError.EXTENDED_CARD_NOT_CONFIGURED, "This server has no extended Agent Card");
	}

	@ExceptionHandler(A2aError.class)
	ResponseEntity<String> refused(A2aError ex) {
		logger.debug("A2A HTTP+JSON request refused: {} {}", ex.code(), ex.getMessage());
		return error(ex);
	}

	@ExceptionHandler(NexusException.class)
	ResponseEntity<String> refused(NexusException ex) {
		return refused(A2aError.of(ex));
	}

	private ResponseEntity<SseEmitter> stream(Task first, String why) {
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.body(this.streams.stream(first, (event) -> event, why));
	}

	/**
	 * The request's JSON object, at most {@code nexus.a2a.max-request-bytes}.
	 * @param required whether an empty body is refused
	 */
	private ObjectNode body(HttpServletRequest request, boolean required) throws IOException {
		int max = this.properties.maxRequestBytes();
		byte[] body = A2aRequests.read(request.getInputStream(), max);
		if (body.length > max) {
			throw A2aRequests.tooLarge(max);
		}
		if (!required && new String(body, StandardCharsets.UTF_8).isBlank()) {
			return this.json.createObjectNode();
		}
		JsonNode node;
		try {
			node = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new A2aError(A2aError.PARSE_ERROR, "The request body is not JSON");
		}
		if (!(node instanceof ObjectNode object)) {
			throw new A2aError(A2aError.INVALID_REQUEST, "The request body must be a JSON object");
		}
		return object;
	}

	private static @Nullable Integer whole(@Nullable String value, String name, int min, int max) {
		if (value == null) {
			return null;
		}
		try {
			int number = Integer.parseInt(value.strip());
			if (number >= min && number <= max) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// refused below
		}
		throw A2aError.invalidParams(name + " must be a whole number from " + min + " to " + max);
	}

	private ResponseEntity<String> ok(JsonNode body) {
		return ResponseEntity.ok().contentType(A2A_JSON).body(this.json.writeValueAsString(body));
	}

	private ResponseEntity<String> error(A2aError error) {
		HttpStatus status = A2aRestErrors.status(error);
		return ResponseEntity.status(status)
			.contentType(A2A_JSON)
			.body(this.json.writeValueAsString(A2aRestErrors.body(error, status, this.json)));
	}

}
