package io.nexus.server.shared.web;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's last word on an error that no servlet answered, such as a URI with an encoded
 * NUL or slash that Tomcat refuses before any filter runs: an RFC 9457 problem in place
 * of Tomcat's HTML page.
 */
class ProblemErrorReportValve extends ErrorReportValve {

	private final JsonMapper json;

	ProblemErrorReportValve(JsonMapper json) {
		this.json = json;
	}

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		HttpStatus known = HttpStatus.resolve(status);
		String code = (known != null) ? known.name().toLowerCase(Locale.ROOT) : "http_" + status;
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", ProblemDetailsAdvice.TYPE_PREFIX + code);
		body.put("title", (known != null) ? known.getReasonPhrase() : "Error");
		body.put("status", status);
		body.put("detail", (status < 500) ? "The request was refused before it reached Nexus"
				: "Nexus failed to handle the request; the error is logged");
		try {
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding("utf-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(this.json.writeValueAsString(body));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client is gone or the response is already on its way; nothing to add
		}
	}

}
