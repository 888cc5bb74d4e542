package io.nexus.server.mcp;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
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

	static final int PARSE_ERROR = -32700;

	static final int INVALID_REQUEST = -32600;

	static final int METHOD_NOT_FOUND = -32601;

	static final int INVALID_PARAMS = -32602;

	private final int maxBytes;

	private final JsonMapper json;

	McpRequestGuard(int maxBytes, JsonMapper json) {
		this.maxBytes = maxBytes;
		this.json = json;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!"POST".equals(request.getMethod())) {
			chain.doFilter(request, response);
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
			error(response, 400, null, PARSE_ERROR, "Parse error: the body is not JSON");
			return;
		}
		if (message == null || message.isMissingNode()) {
			error(response, 400, null, PARSE_ERROR, "Parse error: the body is empty");
			return;
		}
		if (check(message, response)) {
			chain.doFilter(new CachedBody(request, body), response);
		}
	}

	/**
	 * Answers a message that is not a usable JSON-RPC message.
	 * @return whether it may go on to the transport
	 */
	private boolean check(JsonNode message, HttpServletResponse response) throws IOException {
		if (message.isArray()) {
			error(response, 400, null, INVALID_REQUEST, "Invalid Request: JSON-RPC batches are not supported");
			return false;
		}
		if (!message.isObject()) {
			error(response, 400, null, INVALID_REQUEST, "Invalid Request: a message is a JSON object");
			return false;
		}
		JsonNode id = message.get("id");
		boolean idUsable = id != null && (id.isString() || id.isIntegralNumber());
		Object answerId = idUsable ? (id.isString() ? id.asString() : id.numberValue()) : null;
		if (!"2.0".equals(textOf(message.get("jsonrpc")))) {
			error(response, 400, answerId, INVALID_REQUEST, "Invalid Request: jsonrpc must be \"2.0\"");
			return false;
		}
		JsonNode method = message.get("method");
		if (method == null) {
			boolean response1 = idUsable && (message.has("result") || message.has("error"));
			if (!response1) {
				error(response, 400, answerId, INVALID_REQUEST, "Invalid Request: no method, and not a response");
			}
			return response1;
		}
		if (!method.isString() || method.asString().isEmpty()) {
			error(response, 400, answerId, INVALID_REQUEST, "Invalid Request: method must be a string");
			return false;
		}
		if (id != null && !idUsable) {
			error(response, 400, null, INVALID_REQUEST, "Invalid Request: id must be a string or an integer");
			return false;
		}
		JsonNode params = message.get("params");
		if (params != null && !params.isObject()) {
			error(response, idUsable ? 200 : 400, answerId, INVALID_PARAMS, "Invalid params: params must be an object");
			return false;
		}
		String name = method.asString();
		if (id == null) {
			// a notification: never answered, whatever it is
			return true;
		}
		if (!METHODS.contains(name)) {
			error(response, 200, answerId, METHOD_NOT_FOUND, "Method not found: " + clip(name));
			return false;
		}
		String problem = paramsProblem(name, params);
		if (problem != null) {
			error(response, 200, answerId, INVALID_PARAMS, "Invalid params: " + problem);
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

	private static boolean isText(@Nullable JsonNode node) {
		return node != null && node.isString();
	}

	private static @Nullable String textOf(@Nullable JsonNode node) {
		return (node != null && node.isString()) ? node.asString() : null;
	}

	private static String clip(String text) {
		String printable = text.replaceAll("[^\\x20-\\x7E]", "?");
		return (printable.length() > 100) ? printable.substring(0, 100) + "..." : printable;
	}

	private void tooLarge(HttpServletResponse response) throws IOException {
		response.setHeader("Connection", "close");
		error(response, 413, null, INVALID_REQUEST,
				"Invalid Request: the message exceeds the limit of " + this.maxBytes + " bytes");
	}

	private void error(HttpServletResponse response, int status, @Nullable Object id, int code, String message)
			throws IOException {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("code", code);
		error.put("message", message);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("jsonrpc", "2.0");
		body.put("id", id);
		body.put("error", error);
		response.setStatus(status);
		response.setContentType("application/json");
		response.setCharacterEncoding("UTF-8");
		response.getOutputStream().write(this.json.writeValueAsBytes(body));
	}

	/** The request with its body read once and served again to the transport. */
	private static final class CachedBody extends HttpServletRequestWrapper {

		private final byte[] body;

		CachedBody(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream in = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() throws IOException {
					return in.read();
				}

				@Override
				public int read(byte[] buffer, int offset, int length) throws IOException {
					return in.read(buffer, offset, length);
				}

				@Override
				public boolean isFinished() {
					return in.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("synchronous reads only");
				}

			};
		}

		@Override
		public BufferedReader getReader() {
			return new BufferedReader(
					new InputStreamReader(new ByteArrayInputStream(this.body), StandardCharsets.UTF_8));
		}

		@Override
		public int getContentLength() {
			return this.body.length;
		}

		@Override
		public long getContentLengthLong() {
			return this.body.length;
		}

	}

}
