package io.nexus.server.shared.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nexus.server.shared.DatabaseOutage;
import io.nexus.server.shared.NexusException;
import io.nexus.server.shared.OverloadedException;
import jakarta.validation.ConstraintViolationException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error into an RFC 9457 problem with a stable {@code type}
 * ({@code urn:nexus:problem:<code>}). Client errors never reach the log above DEBUG and
 * never carry stack traces; a server error is logged in full and answered without detail.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

	static final String TYPE_PREFIX = "urn:nexus:problem:";

	@ExceptionHandler(NexusException.class)
	ResponseEntity<ProblemDetail> nexus(NexusException ex, WebRequest request) {
		HttpStatus status = switch (ex.kind()) {
			case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
			case FORBIDDEN -> HttpStatus.FORBIDDEN;
			case CONFLICT -> HttpStatus.CONFLICT;
			case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
			case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
			case SERVER_FAULT -> HttpStatus.INTERNAL_SERVER_ERROR;
		};
		ProblemDetail problem = problem(status, ex.code(), ex.getMessage(), request);
		ex.properties().forEach(problem::setProperty);
		if (ex instanceof OverloadedException overloaded) {
			// admission control at work, not a fault: the caller sends again
			log.debug("503 {}: {}", ex.code(), ex.getMessage());
			return ResponseEntity.status(status)
				.header(HttpHeaders.RETRY_AFTER, Integer.toString(overloaded.retryAfterSeconds()))
				.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
				.body(problem);
		}
		if (status.is5xxServerError()) {
			log.error("{} {} on {}: {}", status.value(), ex.code(), path(request), ex.getMessage());
		}
		else {
			log.debug("{} {}: {}", status.value(), ex.code(), ex.getMessage());
		}
		return response(problem);
	}

	@ExceptionHandler(AuthenticationException.class)
	ResponseEntity<ProblemDetail> authentication(AuthenticationException ex, WebRequest request) {
		return response(
				problem(HttpStatus.UNAUTHORIZED, "invalid_credentials", "Wrong user name or password", request));
	}

	@ExceptionHandler(AccessDeniedException.class)
	ResponseEntity<ProblemDetail> accessDenied(AccessDeniedException ex, WebRequest request) {
		return response(problem(HttpStatus.FORBIDDEN, "forbidden", "Your role does not allow this action", request));
	}

	@ExceptionHandler(ConstraintViolationException.class)
	ResponseEntity<ProblemDetail> constraintViolation(ConstraintViolationException ex, WebRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "validation_failed", "The request has invalid fields",
				request);
		List<Map<String, Object>> errors = new ArrayList<>();
		ex.getConstraintViolations()
			.forEach((violation) -> errors
				.add(error(violation.getPropertyPath().toString(), violation.getMessage(), null)));
		problem.setProperty("errors", errors);
		return response(problem);
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException ex, WebRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid_parameter",
				"Parameter '" + ex.getName() + "' has the wrong type", request);
		problem.setProperty("errors", List.of(error(ex.getName(), "has the wrong type", null)));
		return response(problem);
	}

	@ExceptionHandler(DataIntegrityViolationException.class)
	ResponseEntity<ProblemDetail> dataIntegrity(DataIntegrityViolationException ex, WebRequest request) {
		log.warn("Refused a write that broke a database constraint: {}", ex.getMostSpecificCause().getMessage());
		return response(problem(HttpStatus.CONFLICT, "constraint_violation",
				"The change conflicts with stored data; read the resource again and retry", request));
	}

	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<ProblemDetail> undecodableParameter(InvalidParameterException ex, WebRequest request) {
		return response(problem(HttpStatus.BAD_REQUEST, "invalid_parameter",
				"A parameter is not valid percent-encoded UTF-8", request));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex, WebRequest request) {
		if (DatabaseOutage.isCause(ex)) {
			log.warn("503 on {}: the database is unavailable ({})", path(request), ex.getMessage());
			return unavailable(request);
		}
		log.error("Unexpected error on {}", path(request), ex);
		return response(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error",
				"Nexus failed to handle the request; the error is logged", request));
	}

	/**
	 * The answer to a request that needs the database while it is away: retry later.
	 * @param request the request
	 * @return 503 {@code service_unavailable} with {@code Retry-After}
	 */
	static ResponseEntity<ProblemDetail> unavailable(WebRequest request) {
		ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable",
				"The database is unavailable; retry after " + DatabaseOutage.RETRY_AFTER_SECONDS + " seconds", request);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS))
			.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	/**
	 * The {@code instance} of a problem: the request path, or {@code /} when it is not a
	 * valid URI reference.
	 * @param path the request path
	 * @return the instance
	 */
	static URI safeInstance(String path) {
		try {
			return URI.create(path);
		}
		catch (IllegalArgumentException ex) {
			return URI.create("/");
		}
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (PayloadTooLargeException.isCause(ex)) {
			return cast(response(problem(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large",
					"The request body exceeds the limit of " + PayloadTooLargeException.limitOf(ex) + " bytes",
					request)));
		}
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "malformed_request", describe(ex), request);
		DatabindException databind = find(ex, DatabindException.class);
		if (databind != null && !databind.getPath().isEmpty()) {
			problem.setProperty("errors", List.of(error(pathOf(databind), reasonOf(databind), null)));
		}
		return cast(response(problem));
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "validation_failed", "The request has invalid fields",
				request);
		List<Map<String, Object>> errors = new ArrayList<>();
		for (FieldError field : ex.getBindingResult().getFieldErrors()) {
			errors.add(error(snakeCase(field.getField()), field.getDefaultMessage(), field.getRejectedValue()));
		}
		ex.getBindingResult()
			.getGlobalErrors()
			.forEach((error) -> errors.add(error(error.getObjectName(), error.getDefaultMessage(), null)));
		problem.setProperty("errors", errors);
		return cast(response(problem));
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "validation_failed", "The request has invalid fields",
				request);
		List<Map<String, Object>> errors = new ArrayList<>();
		ex.getParameterValidationResults()
			.forEach((result) -> result.getResolvableErrors()
				.forEach((error) -> errors.add(error(snakeCase(result.getMethodParameter().getParameterName()),
						error.getDefaultMessage(), null))));
		problem.setProperty("errors", errors);
		return cast(response(problem));
	}

	/**
	 * Gives the problems of Spring's own exceptions (415, 405, 404 for no handler...) a
	 * Nexus type. Their bodies are made inside {@code handleExceptionInternal}, so this
	 * is the first place that sees them.
	 */
	@Override
	protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
			WebRequest request) {
		if (body instanceof ProblemDetail problem) {
			problem.setType(URI.create(TYPE_PREFIX + codeFor(statusCode)));
			problem.setInstance(safeInstance(path(request)));
		}
		return super.createResponseEntity(body, headers, statusCode, request);
	}

	private static String codeFor(HttpStatusCode status) {
		HttpStatus known = HttpStatus.resolve(status.value());
		String name = (known != null) ? known.name() : "HTTP_" + status.value();
		return name.toLowerCase(java.util.Locale.ROOT);
	}

	private static String describe(HttpMessageNotReadableException ex) {
		if (find(ex, StreamConstraintsException.class) != null) {
			return "The JSON document is too deeply nested or too large";
		}
		UnrecognizedPropertyException unknown = find(ex, UnrecognizedPropertyException.class);
		if (unknown != null) {
			return "Unknown field '" + unknown.getPropertyName() + "'";
		}
		DatabindException databind = find(ex, DatabindException.class);
		if (databind != null) {
			return "Field '" + pathOf(databind) + "': " + reasonOf(databind);
		}
		if (find(ex, JacksonException.class) != null) {
			return "The request body is not valid JSON";
		}
		return "The request body is missing or unreadable";
	}

	private static String reasonOf(DatabindException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
			return cause.getMessage();
		}
		if (ex instanceof UnrecognizedPropertyException) {
			return "unknown field";
		}
		return "has the wrong type or shape";
	}

	private static String pathOf(DatabindException ex) {
		StringBuilder path = new StringBuilder();
		ex.getPath().forEach((reference) -> {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		});
		return path.toString();
	}

	private static <T extends Throwable> T find(Throwable ex, Class<T> type) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

	private static Map<String, Object> error(String field, String message, Object rejected) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("field", field);
		error.put("message", message);
		if (isSecret(field)) {
			return error;
		}
		if (rejected instanceof Number || rejected instanceof Boolean
				|| rejected instanceof String text && text.length() <= 200) {
			error.put("rejected", rejected);
		}
		return error;
	}

	/** Never echo what was sent in a field that may hold a secret. */
	private static boolean isSecret(String field) {
		String name = field.toLowerCase(java.util.Locale.ROOT);
		return name.contains("password") || name.contains("token") || name.contains("secret") || name.contains("key");
	}

	private static String snakeCase(String name) {
		return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
	}

	private static ProblemDetail problem(HttpStatus status, String code, String detail, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_PREFIX + code));
		problem.setTitle(status.getReasonPhrase());
		problem.setInstance(safeInstance(path(request)));
		return problem;
	}

	private static String path(WebRequest request) {
		if (request instanceof ServletWebRequest servlet) {
			return servlet.getRequest().getRequestURI();
		}
		return "/";
	}

	private static ResponseEntity<ProblemDetail> response(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus())
			.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> response) {
		return (ResponseEntity) response;
	}

}
