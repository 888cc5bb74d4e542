package io.nexus.server.a2a;

import java.io.IOException;
import java.util.Set;

import io.nexus.server.shared.NexusException;
import io.nexus.server.tasks.Task;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
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

/**
 * The JSON-RPC 2.0 binding of A2A 1.0 at {@code POST /api/a2a} (docs/interop.md). Every
 * answer goes through a {@link ResponseBodyEmitter}: one JSON object for the plain
 * methods (written later for a blocking {@code SendMessage}, without holding a thread),
 * Server-Sent Events for {@code SendStreamingMessage} and {@code SubscribeToTask}
 * ({@link A2aStreams}, shared with the HTTP+JSON binding). Malformed requests get the
 * JSON-RPC error codes, never a 5xx.
 */
@RestController
@Hidden
@ConditionalOnProperty(name = "nexus.a2a.enabled", havingValue = "true", matchIfMissing = true)
class A2aController {

	static final String PATH = "/api/a2a";

	private static final Set<String> WRITES = Set.of("SendMessage", "SendStreamingMessage", "CancelTask",
			"CreateTaskPushNotificationConfig", "DeleteTaskPushNotificationConfig");

	private final A2aServer server;

	private final A2aStreams streams;

	private final A2aProperties properties;

	private final JsonMapper json;

	private final A2aPushConfigs push;

	A2aController(A2aServer server, A2aStreams streams, A2aProperties properties, JsonMapper json,
			A2aPushConfigs push) {
		this.push = push;
		this.server = server;
		this.streams = streams;
		this.properties = properties;
		this.json = json;
	}

	@PostMapping(PATH)
	ResponseEntity<ResponseBodyEmitter> call(HttpServletRequest request, Authentication caller) throws IOException {
		byte[] body = A2aRequests.read(request.getInputStream(), this.properties.maxRequestBytes());
		if (body.length > this.properties.maxRequestBytes()) {
			return answer(HttpStatus.CONTENT_TOO_LARGE,
					error(NullNode.getInstance(), A2aRequests.tooLarge(this.properties.maxRequestBytes())));
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
			A2aRequests.checkVersion(request.getHeader(A2aRequests.VERSION_HEADER));
			if (WRITES.contains(method) && !A2aRequests.writer(caller)) {
				throw new AccessDeniedException(method + " needs the operator or admin role");
			}
			ObjectNode params = params(call);
			return dispatch(method, params, id, caller);
		}
		catch (A2aError ex) {
			return answer(HttpStatus.OK, error(id, ex));
		}
		catch (NexusException ex) {
			return answer(HttpStatus.OK, error(id, A2aError.of(ex)));
		}
	}

	private ResponseEntity<ResponseBodyEmitter> dispatch(String method, ObjectNode params, JsonNode id,
			Authentication caller) {
		String actor = caller.getName();
		return switch (method) {
			case "SendMessage" -> sendMessage(params, id, actor);
			case "SendStreamingMessage" -> stream(this.server.send(params, actor), id, "send");
			case "GetTask" -> answer(HttpStatus.OK, result(id, this.streams.task(this.server.get(params))));
			case "ListTasks" -> answer(HttpStatus.OK, result(id, this.server.list(params)));
			case "CancelTask" ->
				answer(HttpStatus.OK, result(id, this.streams.task(this.server.cancel(params, actor))));
			case "SubscribeToTask" ->
				stream(this.streams.subscribable(A2aServer.requiredText(params, "id")), id, "subscribe");
			case "CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig", "ListTaskPushNotificationConfigs",
					"DeleteTaskPushNotificationConfig" ->
				answer(HttpStatus.OK, result(id, this.push.call(method, params, A2aPushConfigs.Caller.of(caller))));
			case "GetExtendedAgentCard" ->
				throw new A2aError(A2aError.EXTENDED_CARD_NOT_CONFIGURED, "This server has no extended Agent Card");
			default ->
				throw new A2aError(A2aError.METHOD_NOT_FOUND, "Method not found: " + A2aRequests.shorten(method));
		};
	}

	private ResponseEntity<ResponseBodyEmitter> sendMessage(ObjectNode params, JsonNode id, String actor) {
		boolean immediately = A2aStreams.returnsImmediately(params);
		Task task = this.server.send(params, actor);
		if (immediately || A2aTasks.settled(A2aTasks.state(task))) {
			return answer(HttpStatus.OK, result(id, this.streams.sendResponse(task)));
		}
		ResponseBodyEmitter emitter = new ResponseBodyEmitter(this.streams.blockingTimeoutMillis());
		Runnable stop = this.streams.awaitSettled(task,
				(now) -> send(emitter, result(id, this.streams.sendResponse(now))),
				() -> send(emitter, error(id, A2aError.taskNotFound(task.id().value()))));
		emitter.onCompletion(stop);
		emitter.onError((ex) -> stop.run());
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(emitter);
	}

	private ResponseEntity<ResponseBodyEmitter> stream(Task first, JsonNode id, String why) {
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.body(this.streams.stream(first, (event) -> result(id, event), why));
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

}
