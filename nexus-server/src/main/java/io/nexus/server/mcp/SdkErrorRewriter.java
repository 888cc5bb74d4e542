package io.nexus.server.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the SDK's own error answers (an exception serialized whole, stack trace included,
 * sometimes with status 500) into a JSON-RPC error with status 400 or 404; event streams
 * and successful answers pass through untouched.
 */
final class SdkErrorRewriter extends HttpServletResponseWrapper {

	private final JsonMapper json;

	private @Nullable ByteArrayOutputStream buffer;

	private @Nullable PrintWriter writer;

	SdkErrorRewriter(HttpServletResponse response, JsonMapper json) {
		super(response);
		this.json = json;
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		String type = getContentType();
		if (type != null && type.startsWith("text/event-stream")) {
			return super.getWriter();
		}
		if (this.writer == null) {
			this.buffer = new ByteArrayOutputStream();
			this.writer = new PrintWriter(new OutputStreamWriter(this.buffer, StandardCharsets.UTF_8));
		}
		return this.writer;
	}

	void finish(@Nullable Object id) throws IOException {
		if (this.writer == null || this.buffer == null) {
			return;
		}
		this.writer.flush();
		byte[] body = this.buffer.toByteArray();
		int status = getStatus();
		HttpServletResponse response = (HttpServletResponse) getResponse();
		if (status < 400) {
			response.getOutputStream().write(body);
			return;
		}
		// the codes of the TypeScript SDK's server: -32001 for a session it does not
		// know, -32600 for the rest (the Java SDK says -32601 or -32603 there)
		int code = (status == 404) ? JsonRpcErrors.SESSION_NOT_FOUND : JsonRpcErrors.INVALID_REQUEST;
		String message = (status == 404) ? "Session not found" : "Invalid Request";
		try {
			JsonNode error = this.json.readTree(body).path("jsonRpcError");
			if (error.path("message").isString()) {
				message = JsonRpcErrors.withoutExceptions(error.path("message").asString());
			}
		}
		catch (JacksonException ex) {
			// not the SDK's error shape: the generic answer
		}
		JsonRpcErrors.write(this.json, response, (status == 404) ? 404 : 400, id, code, message);
	}

}
