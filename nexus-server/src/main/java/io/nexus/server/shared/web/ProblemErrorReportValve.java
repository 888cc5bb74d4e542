package io.nexus.server.shared.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Answers the errors that Tomcat raises before a request reaches Spring (a malformed URL,
 * an oversized header) with a problem document instead of Tomcat's HTML page, and never
 * with server details or a stack trace.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		String code = (status < 500) ? "malformed_request" : "internal_error";
		String detail = (status < 500) ? "The request could not be parsed" : "Nexus failed to handle the request";
		String body = "{\"type\":\"" + ProblemDetailsAdvice.TYPE_PREFIX + code + "\",\"title\":\"" + title(status)
				+ "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}";
		try {
			response.setContentType("application/problem+json");
			response.setCharacterEncoding("UTF-8");
			response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
			response.finishResponse();
		}
		catch (IOException | IllegalStateException ex) {
			// the client is gone or the response is committed; nothing more to say
		}
		response.getCoyoteResponse().action(ActionCode.CLOSE, null);
	}

	private static String title(int status) {
		return switch (status) {
			case 400 -> "Bad Request";
			case 404 -> "Not Found";
			case 413 -> "Content Too Large";
			case 431 -> "Request Header Fields Too Large";
			default -> (status < 500) ? "Client Error" : "Server Error";
		};
	}

}
