package io.nexus.server.mcp;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON-RPC error answers of the MCP endpoint, written before or instead of the SDK's.
 */
final class JsonRpcErrors {

	static final int PARSE_ERROR = -32700;

	static final int INVALID_REQUEST = -32600;

	static final int METHOD_NOT_FOUND = -32601;

	static final int INVALID_PARAMS = -32602;

	/** The code of the TypeScript SDK's server for a session it does not know. */
	static final int SESSION_NOT_FOUND = -32001;

	private JsonRpcErrors() {
	}

	static void write(JsonMapper json, HttpServletResponse response, int status, @Nullable Object id, int code,
			String message) throws IOException {
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
		response.getOutputStream().write(json.writeValueAsBytes(body));
	}

	/**
	 * The SDK's messages may name exceptions and classes; the caller gets the sense only.
	 */
	static String withoutExceptions(String message) {
		String plain = message
			.replaceAll(":?\\s*(tools\\.jackson|java\\.|jakarta\\.|io\\.modelcontextprotocol)[\\s\\S]*$", "");
		return clip(plain.isBlank() ? "Invalid Request" : plain);
	}

	static String clip(String text) {
		String printable = text.replaceAll("[^\\x20-\\x7E]", "?");
		return (printable.length() > 100) ? printable.substring(0, 100) + "..." : printable;
	}

}
