package io.nexus.server.shared.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a query string that cannot be decoded (a bad {@code %} escape, bytes that are
 * not UTF-8) with 400 {@code invalid_parameter} before anything reads a parameter: Tomcat
 * throws on the first {@code getParameter}, which may happen in any filter, and the
 * exception would otherwise surface as a 500.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class QueryDecodingFilter extends OncePerRequestFilter {

	private final JsonMapper json;

	QueryDecodingFilter(JsonMapper json) {
		this.json = json;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getQueryString() != null && !isForm(request)) {
			try {
				// parses the query string only: a form body is left for Spring to read
				request.getParameterMap();
			}
			catch (InvalidParameterException ex) {
				refuse(request, response);
				return;
			}
		}
		chain.doFilter(request, response);
	}

	private static boolean isForm(HttpServletRequest request) {
		String type = request.getContentType();
		return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", ProblemDetailsAdvice.TYPE_PREFIX + "invalid_parameter");
		body.put("title", "Bad Request");
		body.put("status", 400);
		body.put("detail", "The query string is not valid percent-encoded UTF-8");
		body.put("instance", ProblemDetailsAdvice.safeInstance(request.getRequestURI()));
		response.setStatus(400);
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(this.json.writeValueAsBytes(body));
	}

}
