package io.nexus.server.a2a;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.nexus.server.security.ApiKeyAuthentication;
import io.nexus.server.security.Role;
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
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The JSON-RPC 2.0 binding of A2A 1.0 at {@code POST /api/a2a} (docs/interop.md). Every
 * answer goes through a {@link ResponseBodyEmitter}: one JSON object for the plain
 * methods (written later for a blocking {@code SendMessage}, without holding a thread),
 * Server-Sent Events for {@code SendStreamingMessage} and {@code SubscribeToTask}.
 * Malformed requests get the JSON-RPC error codes, never a 5xx.
 */
@RestController
@Hidden
@ConditionalOnProperty(name = "nexus.a2a.enabled", havingValue = "true", matchIfMissing = true)
class A2aController {

	static final String PATH = "/api/a2a";

	static final String VERSION_HEADER = "A2A-Version";

	static final String VERSION = "1.0";

	/** What a request without {@code A2A-Version} speaks, as the specification says. */
	private static final String ABSENT_VERSION = "0.3";

	private static final Set<String> WRITES = Set.of("SendMessage", "SendStreamingMessage", "CancelTask",
			"CreateTaskPushNotificationConfig", "DeleteTaskPushNotificationConfig");

	private static final long MARGIN_MILLIS = 30_000;

	private static final Logger logger = LoggerFactory.getLogger(A2aController.class);

	private final A2aServer server;

	private final A2aTasks shapes;

	private final A2aWatch watch;

	private final A2aProperties properties;

	private final JsonMapper json;

	private final A2aPushConfigs push;

	A2aController(A2aServer server, A2aTasks shapes, A2aWatch watch, A2aProperties properties, JsonMapper json,
			A2aPushConfigs push) {
		this.push = push;
		this.server = server;
		this.shapes = shapes;
		this.watch = watch;
		this.properties = properties;
		this.json = json;
	}

	@PostMapping(PATH)
	ResponseEntity<ResponseBodyEmitter> call(HttpServletRequest request, Authentication caller) throws IOException {
		byte[] body = read(request.getInputStream());
		if (body.length > this.properties.maxRequestBytes()) {
			return answer(HttpStatus.CONTENT_TOO_LARGE,
					error(NullNode.getInstance(),
							new A2aError(A2aError.INVALID_REQUEST,
									"The request is larger than " + this.properties.maxRequestBytes() + " bytes",
									Map.of("maxBytes", this.properties.maxRequestBytes()))));
		}
		JsonNode envelope;
		try {
			envelope = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return answer(HttpStatus.OK,
					error(NullNode.getInstance(), new A2aError(A2aError.PARSE_ERROR, "The request is not JSON")));
		}
		JsonNode id = (envelope instanceof ObjectNode object && object.get("id") != null) ? object.get("id")
				: NullNode.getInstance();
		if (!id.isNull() && !id.isString() && !id.isIntegralNumber()) {
			id = NullNode.getInstance();
		}
		try {
			ObjectNode call = check(envelope);
			String method = call.get("method").asString();
			checkVersion(request.getHeader(VERSION_HEADER));
			if (WRITES.contains(method) && !writer(caller)) {
				throw new AccessDeniedException(method + " needs the operator or admin role");
			}
			ObjectNode params = params(call);
			return dispatch(method, params, id, caller);
		}
		catch (A2aError ex) {
			return answer(HttpStatus.OK, error(id, ex));
		}
		catch (NexusException ex) {
			return answer(HttpStatus.OK, error(id, translate(ex)));
		}
	}

	private ResponseEntity<ResponseBodyEmitter> dispatch(String method, ObjectNode params, JsonNode id,
			Authentication caller) {
		String actor = caller.getName();
		return switch (method) {
			case "SendMessage" -> sendMessage(params, id, actor);
			case "SendStreamingMessage" -> stream(this.server.send(params, actor), id, true);
			case "GetTask" -> answer(HttpStatus.OK, result(id, task(this.server.get(params))));
			case "ListTasks" -> answer(HttpStatus.OK, result(id, this.server.list(params)));
			case "CancelTask" -> answer(HttpStatus.OK, result(id, task(this.server.cancel(params, actor))));
			case "SubscribeToTask" -> subscribe(params, id);
			case "CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig", "ListTaskPushNotificationConfigs",
					"DeleteTaskPushNotificationConfig" ->
				answer(HttpStatus.OK, result(id, this.push.call(method, params, pushCaller(caller))));
			case "GetExtendedAgentCard" ->
				throw new A2aError(A2aError.EXTENDED_CARD_NOT_CONFIGURED, "This server has no extended Agent Card");
			default -> throw new A2aError(A2aError.METHOD_NOT_FOUND, "Method not found: " + shorten(method));
		};
	}

	private ResponseEntity<ResponseBodyEmitter> sendMessage(ObjectNode params, JsonNode id, String actor) {
		ObjectNode configuration = A2aServer.object(params, "configuration", false);
		boolean immediately = configuration != null && (configuration.path("returnImmediately").asBoolean(false)
				|| (configuration.has("blocking") && !configuration.path("blocking").asBoolean(true)));
		Task task = this.server.send(params, actor);
		if (immediately || A2aTasks.settled(A2aTasks.state(task))) {
			return answer(HttpStatus.OK, result(id, sendResult(task)));
		}
		ResponseBodyEmitter emitter = new ResponseBodyEmitter(
				this.properties.blockingWait().toMillis() + MARGIN_MILLIS);
		AtomicBoolean answered = new AtomicBoolean();
		A2aWatch.Watcher waiter = new A2aWatch.Watcher(task.id()) {

			@Override
			boolean changed(Task now) {
				if (!A2aTasks.settled(A2aTasks.state(now))) {
					return true;
				}
				reply(now);
				return false;
			}

			@Override
			void gone() {
				if (answered.compareAndSet(false, true)) {
					send(emitter, error(id, A2aError.taskNotFound(task.id().value())));
				}
			}

			@Override
			void timedOut() {
				Task now;
				try {
					now = A2aController.this.server.find(task.id().value());
				}
				catch (A2aError ex) {
					gone();
					return;
				}
				reply(now);
			}

			private void reply(Task now) {
				if (answered.compareAndSet(false, true)) {
					send(emitter, result(id, sendResult(now)));
				}
			}

		};
		emitter.onCompletion(() -> this.watch.unwatch(waiter));
		emitter.onError((ex) -> this.watch.unwatch(waiter));
		this.watch.watch(waiter, this.properties.blockingWait().toMillis());
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(emitter);
	}

	private ResponseEntity<ResponseBodyEmitter> subscribe(ObjectNode params, JsonNode id) {
		Task task = this.server.find(A2aServer.requiredText(params, "id"));
		String state = A2aTasks.state(task);
		if (A2aTasks.terminal(state)) {
			throw new A2aError(A2aError.UNSUPPORTED_OPERATION,
					"Task " + task.id() + " is " + state + "; a finished task cannot be subscribed to",
					Map.of("taskId", task.id().value(), "state", state));
		}
		return stream(task, id, false);
	}

	/**
	 * A stream of a task: the task first, then a status update at each change of state or
	 * of the status message (progress), the result as an artifact update before the last
	 * status; it ends when the task ends.
	 */
	private ResponseEntity<ResponseBodyEmitter> stream(Task first, JsonNode id, boolean fromSend) {
		String contextId = this.server.contextOf(first);
		SseEmitter emitter = new SseEmitter(this.properties.streamTimeout().toMillis() + MARGIN_MILLIS);
		A2aWatch.Watcher streamer = new A2aWatch.Watcher(first.id()) {

			private @Nullable String lastStatus;

			private long lastSent = System.nanoTime();

			@Override
			synchronized boolean changed(Task task) {
				ObjectNode status = A2aController.this.shapes.status(task, contextId);
				String state = status.get("state").asString();
				status.remove("timestamp");
				String fingerprint = status.toString();
				boolean changed = !fingerprint.equals(this.lastStatus);
				if (this.lastStatus == null) {
					emit(result(id, wrap("task", A2aController.this.shapes.task(task, contextId))));
					// a task that ended before its first read still ends its stream with
					// the
					// result and the final status, so that every stream ends the same way
					changed = A2aTasks.terminal(state);
				}
				if (changed) {
					emitResultAndStatus(task);
				}
				else if (System.nanoTime() - this.lastSent > 15_000_000_000L) {
					// an idle stream says it is alive, so that proxies do not close it
					keepAlive();
				}
				this.lastStatus = fingerprint;
				if (A2aTasks.terminal(state)) {
					emitter.complete();
					return false;
				}
				return true;
			}

			private void emitResultAndStatus(Task task) {
				ObjectNode artifact = A2aController.this.shapes.artifact(task);
				if (artifact != null) {
					ObjectNode update = A2aController.this.json.createObjectNode();
					update.put("taskId", task.id().value());
					update.put("contextId", contextId);
					update.set("artifact", artifact);
					update.put("lastChunk", true);
					emit(result(id, wrap("artifactUpdate", update)));
				}
				ObjectNode update = A2aController.this.json.createObjectNode();
				update.put("taskId", task.id().value());
				update.put("contextId", contextId);
				update.set("status", A2aController.this.shapes.status(task, contextId));
				emit(result(id, wrap("statusUpdate", update)));
			}

			@Override
			void gone() {
				emitter.complete();
			}

			@Override
			void timedOut() {
				emitter.complete();
			}

			private void emit(ObjectNode event) {
				this.lastSent = System.nanoTime();
				try {
					emitter.send(SseEmitter.event().data(event.toString(), MediaType.APPLICATION_JSON));
				}
				catch (IOException | IllegalStateException ex) {
					throw new IllegalStateException("The stream's client went away", ex);
				}
			}

			private void keepAlive() {
				this.lastSent = System.nanoTime();
				try {
					emitter.send(SseEmitter.event().comment("keep-alive"));
				}
				catch (IOException | IllegalStateException ex) {
					throw new IllegalStateException("The stream's client went away", ex);
				}
			}

		};
		emitter.onCompletion(() -> this.watch.unwatch(streamer));
		emitter.onError((ex) -> this.watch.unwatch(streamer));
		emitter.onTimeout(() -> this.watch.unwatch(streamer));
		this.watch.watch(streamer, this.properties.streamTimeout().toMillis());
		logger.debug("A2A stream of task {} opened ({})", first.id(), fromSend ? "send" : "subscribe");
		return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(emitter);
	}

	private ObjectNode sendResult(Task task) {
		return wrap("task", task(task));
	}

	private ObjectNode task(Task task) {
		return this.shapes.task(task, this.server.contextOf(task));
	}

	private ObjectNode wrap(String name, ObjectNode value) {
		ObjectNode node = this.json.createObjectNode();
		node.set(name, value);
		return node;
	}

	private ObjectNode result(JsonNode id, JsonNode result) {
		ObjectNode node = this.json.createObjectNode();
		node.put("jsonrpc", "2.0");
		node.set("id", id);
		node.set("result", result);
		return node;
	}

	private ObjectNode error(JsonNode id, A2aError error) {
		ObjectNode node = this.json.createObjectNode();
		node.put("jsonrpc", "2.0");
		node.set("id", id);
		ObjectNode body = node.putObject("error");
		body.put("code", error.code());
		body.put("message", error.getMessage());
		if (!error.data().isEmpty()) {
			body.set("data", this.json.valueToTree(error.data()));
		}
		return node;
	}

	private ResponseEntity<ResponseBodyEmitter> answer(HttpStatus status, ObjectNode body) {
		ResponseBodyEmitter emitter = new ResponseBodyEmitter();
		send(emitter, body);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(emitter);
	}

	private void send(ResponseBodyEmitter emitter, ObjectNode body) {
		try {
			emitter.send(this.json.writeValueAsBytes(body), MediaType.APPLICATION_JSON);
			emitter.complete();
		}
		catch (IOException | IllegalStateException ex) {
			emitter.completeWithError(ex);
		}
	}

	private byte[] read(InputStream in) throws IOException {
		return in.readNBytes(this.properties.maxRequestBytes() + 1);
	}

	private static ObjectNode check(JsonNode envelope) {
		if (!(envelope instanceof ObjectNode call)) {
			throw new A2aError(A2aError.INVALID_REQUEST,
					"A JSON-RPC request must be an object (batches are not taken)");
		}
		if (!"2.0".equals(call.path("jsonrpc").asString(null))) {
			throw new A2aError(A2aError.INVALID_REQUEST, "jsonrpc must be \"2.0\"");
		}
		JsonNode id = call.get("id");
		if (id == null || !(id.isString() || id.isIntegralNumber())) {
			throw new A2aError(A2aError.INVALID_REQUEST, "id must be a string or a whole number");
		}
		JsonNode method = call.get("method");
		if (method == null || !method.isString() || method.asString().isEmpty()) {
			throw new A2aError(A2aError.INVALID_REQUEST, "method must be a non-empty string");
		}
		return call;
	}

	private static ObjectNode params(ObjectNode call) {
		JsonNode params = call.get("params");
		if (params == null || params.isNull()) {
			return JsonMapper.shared().createObjectNode();
		}
		if (!(params instanceof ObjectNode object)) {
			throw A2aError.invalidParams("params must be an object");
		}
		return object;
	}

	/**
	 * {@code A2A-Version}: 1.0 (or 1.0.x) is spoken; a request without it speaks 0.3, as
	 * the specification says, which this server does not.
	 */
	static void checkVersion(@Nullable String header) {
		String version = (header == null || header.isBlank()) ? ABSENT_VERSION : header.strip();
		String[] segments = version.split("\\.");
		boolean supported = segments.length >= 1 && segments.length <= 3 && "1".equals(segments[0])
				&& (segments.length == 1 || "0".equals(segments[1]));
		if (!supported) {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("requestedVersion", shorten(version));
			data.put("supportedVersions", java.util.List.of(VERSION));
			throw new A2aError(A2aError.VERSION_NOT_SUPPORTED, "A2A version '" + shorten(version)
					+ "' is not supported; this server speaks " + VERSION + " (send the header A2A-Version: 1.0)",
					data);
		}
	}

	private static A2aPushConfigs.Caller pushCaller(Authentication caller) {
		return new A2aPushConfigs.Caller(caller.getName(),
				(caller instanceof ApiKeyAuthentication key) ? key.keyId() : null,
				Role.of(caller.getAuthorities()).orElse(null) == Role.ADMIN);
	}

	private static boolean writer(Authentication caller) {
		return Role.of(caller.getAuthorities())
			.map((role) -> role == Role.OPERATOR || role == Role.ADMIN)
			.orElse(false);
	}

	private static A2aError translate(NexusException ex) {
		return switch (ex.kind()) {
			case BAD_REQUEST, UNPROCESSABLE, CONFLICT -> new A2aError(A2aError.INVALID_PARAMS, ex.getMessage());
			case NOT_FOUND -> new A2aError(A2aError.TASK_NOT_FOUND, ex.getMessage());
			default -> new A2aError(A2aError.INTERNAL_ERROR, ex.getMessage());
		};
	}

	private static String shorten(String value) {
		return (value.length() > 80) ? value.substring(0, 80) + "…" : value;
	}

}
