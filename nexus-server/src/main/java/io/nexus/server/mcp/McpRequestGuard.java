package io.nexus.server.mcp;

import java.io.IOException;
import java.util.Set;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks every JSON-RPC message posted to {@code /mcp} before the SDK's transport sees
 * it, so that bad input gets the JSON-RPC error the specification names and never an HTTP
 * 5xx: a body over {@code nexus.mcp.max-request-bytes} gets HTTP 413; text that is not
 * JSON {@code -32700}; JSON that is not one JSON-RPC 2.0 message {@code -32600} (batches
 * included: MCP since 2025-06-18 has none); a method that Nexus does not serve
 * {@code -32601}; parameters of the wrong shape {@code -32602}. Protocol errors of a
 * request with a usable id answer that id.
 */
class McpRequestGuard extends OncePerRequestFilter {

	/** The requests Nexus's MCP server answers. */
	static final Set<String> METHODS = Set.of("initialize", "ping", "tools/list", "tools/call", "resources/list",
			"resources/read", "resources/templates/list");

	private final int maxBytes;

	private final JsonMapper json;

	private final McpJsonMapper protocol;

	McpRequestGuard(int maxBytes, JsonMapper json, McpJsonMapper protocol) {
		this.maxBytes = maxBytes;
		this.json = json;
		this.protocol = protocol;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!"POST".equals(request.getMethod())) {
			SdkErrorRewriter errors = new SdkErrorRewriter(response, this.json);
			chain.doFilter(request, errors);
			errors.finish(null);
			return;
		}
		if (request.getContentLengthLong() > this.maxBytes) {
			tooLarge(response);
			return;
		}
		byte[] body = request.getInputStream().readNBytes(this.maxBytes + 1);
		if (body.length > this.maxBytes) {
			tooLarge(response);
			return;
		}
		JsonNode message;
		try {
			message = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			error(response, 400, null, JsonRpcErrors.PARSE_ERROR, "Parse error: the body is not JSON");
			return;
		}
		if (message == null || message.isMissingNode()) {
			error(response, 400, null, JsonRpcErrors.PARSE_ERROR, "Parse error: the body is empty");
			return;
		}
		if (!check(message, response)) {
			return;
		}
		if (!message.has("method")) {
			// an answer to a request of the server's: Nexus sends none, so there is
			// nothing to match it with; accepted and dropped, as a notification would be
			response.setStatus(HttpServletResponse.SC_ACCEPTED);
			return;
		}
		SdkErrorRewriter errors = new SdkErrorRewriter(response, this.json);
		chain.doFilter(new CachedBodyRequest(request, body), errors);
		errors.finish(idOf(message.get("id")));
	}

	private static @Nullable Object idOf(@Nullable JsonNode id) {
		if (id == null || !(id.isString() || (id.isIntegralNumber() && id.canConvertToLong()))) {
			return null;
		}
		return id.isString() ? id.asString() : id.longValue();
	}

	/**
	 * Answers a message that is not a usable JSON-RPC message.
	 * @return whether it may go on to the transport
	 */
	private boolean check(JsonNode message, HttpServletResponse response) throws IOException {
		if (message.isArray()) {
			error(response, 400, null, JsonRpcErrors.INVALID_REQUEST,
					"Invalid Request: JSON-RPC batches are not supported");
			return false;
		}
		if (!message.isObject()) {
			error(response, 400, null, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: a message is a JSON object");
			return false;
		}
		JsonNode id = message.get("id");
		Object answerId = idOf(id);
		boolean idUsable = answerId != null;
		if (!"2.0".equals(textOf(message.get("jsonrpc")))) {
			error(response, 400, answerId, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: jsonrpc must be \"2.0\"");
			return false;
		}
		JsonNode method = message.get("method");
		if (method == null) {
			boolean response1 = idUsable && (message.has("result") || message.has("error"));
			if (!response1) {
				error(response, 400, answerId, JsonRpcErrors.INVALID_REQUEST,
						"Invalid Request: no method, and not a response");
			}
			return response1;
		}
		if (!method.isString() || method.asString().isEmpty()) {
			error(response, 400, answerId, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: method must be a string");
			return false;
		}
		if (id != null && !idUsable) {
			error(response, 400, null, JsonRpcErrors.INVALID_REQUEST,
					"Invalid Request: id must be a string or an integer");
			return false;
		}
		JsonNode params = message.get("params");
		if (params != null && !params.isObject()) {
			error(response, idUsable ? 200 : 400, answerId, JsonRpcErrors.INVALID_PARAMS,
					"Invalid params: params must be an object");
			return false;
		}
		String name = method.asString();
		if (id == null) {
			// a notification: never answered, whatever it is
			return true;
		}
		if (!METHODS.contains(name)) {
			error(response, 200, answerId, JsonRpcErrors.METHOD_NOT_FOUND,
					"Method not found: " + JsonRpcErrors.clip(name));
			return false;
		}
		String problem = paramsProblem(name, params);
		if (problem == null) {
			problem = unreadable(name, params);
		}
		if (problem != null) {
			error(response, 200, answerId, JsonRpcErrors.INVALID_PARAMS, "Invalid params: " + problem);
			return false;
		}
		return true;
	}

	private static @Nullable String paramsProblem(String method, @Nullable JsonNode params) {
		switch (method) {
			case "initialize" -> {
				if (params == null || !isText(params.get("protocolVersion"))) {
					return "initialize needs protocolVersion";
				}
				JsonNode client = params.get("clientInfo");
				if (client == null || !client.isObject() || !isText(client.get("name"))) {
					return "initialize needs clientInfo with a name";
				}
				JsonNode capabilities = params.get("capabilities");
				if (capabilities != null && !capabilities.isObject()) {
					return "capabilities must be an object";
				}
			}
			case "tools/call" -> {
				if (params == null || !isText(params.get("name"))) {
					return "tools/call needs the tool's name";
				}
				JsonNode arguments = params.get("arguments");
				if (arguments != null && !arguments.isObject() && !arguments.isNull()) {
					return "arguments must be an object";
				}
			}
			case "resources/read" -> {
				if (params == null || !isText(params.get("uri"))) {
					return "resources/read needs a uri";
				}
			}
			default -> {
				JsonNode cursor = (params != null) ? params.get("cursor") : null;
				if (cursor != null && !cursor.isString() && !cursor.isNull()) {
					return "cursor must be a string";
				}
			}
		}
		return null;
	}

	/**
	 * Whether the SDK can read the parameters as its request type; it would otherwise
	 * answer with an exception's text, or not at all.
	 */
	private @Nullable String unreadable(String method, @Nullable JsonNode params) {
		Class<?> type = switch (method) {
			case "initialize" -> McpSchema.InitializeRequest.class;
			case "tools/call" -> McpSchema.CallToolRequest.class;
			case "resources/read" -> McpSchema.ReadResourceRequest.class;
			case "tools/list", "resources/list", "resources/templates/list" -> McpSchema.PaginatedRequest.class;
			default -> null;
		};
		if (type == null || params == null) {
			return null;
		}
		JsonNode meta = params.get("_meta");
		if (meta != null && !meta.isObject() && !meta.isNull()) {
			return "_meta must be an object";
		}
		try {
			this.protocol.convertValue(params, type);
			return null;
		}
		catch (RuntimeException ex) {
			return "the parameters of " + method + " do not have the form the specification gives";
		}
	}

	private static boolean isText(@Nullable JsonNode node) {
		return node != null && node.isString();
	}

	private static @Nullable String textOf(@Nullable JsonNode node) {
		return (node != null && node.isString()) ? node.asString() : null;
	}

	private void tooLarge(HttpServletResponse response) throws IOException {
		response.setHeader("Connection", "close");
		error(response, 413, null, JsonRpcErrors.INVALID_REQUEST,
				"Invalid Request: the message exceeds the limit of " + this.maxBytes + " bytes");
	}

	private void error(HttpServletResponse response, int status, @Nullable Object id, int code, String message)
			throws IOException {
		JsonRpcErrors.write(this.json, response, status, id, code, message);
	}

}
