package io.nexus.server.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.nexus.server.audit.AuditLog;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

/**
 * Writes the RFC 9457 answers of the security filters (401, 403), which run before any
 * controller advice could.
 */
@Component
class ProblemResponses {

	private final JsonMapper json;

	private final AuditLog audit;

	ProblemResponses(JsonMapper json, AuditLog audit) {
		this.json = json;
		this.audit = audit;
	}

	AuthenticationEntryPoint unauthorized() {
		return (request, response, ex) -> {
			if (ex != null && (ex instanceof AuthenticationUnavailableException
					|| AuthenticationUnavailableException.causedByDataAccess(ex))) {
				response.setHeader(HttpHeaders.RETRY_AFTER,
						Integer.toString(AuthenticationUnavailableException.RETRY_AFTER_SECONDS));
				write(response, 503, "service_unavailable", "Service Unavailable",
						"Credentials cannot be checked right now (the database is unavailable); try again later",
						request.getRequestURI());
				return;
			}
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"nexus\"");
			write(response, 401, "unauthorized", "Unauthorized",
					"Authentication required: send 'Authorization: Bearer <token>' from POST /api/auth/login",
					request.getRequestURI());
		};
	}

	AccessDeniedHandler forbidden() {
		return (request, response, ex) -> {
			this.audit.record("access.denied", request.getMethod() + " " + request.getRequestURI(), AuditLog.DENIED,
					null);
			write(response, 403, "forbidden", "Forbidden", "Your role does not allow this action",
					request.getRequestURI());
		};
	}

	void write(HttpServletResponse response, int status, String code, String title, String detail, String instance)
			throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "urn:nexus:problem:" + code);
		body.put("title", title);
		body.put("status", status);
		body.put("detail", detail);
		body.put("instance", instance);
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(this.json.writeValueAsBytes(body));
	}

}
