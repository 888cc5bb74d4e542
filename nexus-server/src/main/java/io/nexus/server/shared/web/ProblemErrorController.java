package io.nexus.server.shared.web;

import java.net.URI;
import java.util.Locale;

import io.nexus.server.shared.DatabaseOutage;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the errors that never reach a controller (requests that the security firewall
 * rejects, {@code sendError} from a filter, an exception that escapes one) with an RFC
 * 9457 problem like every other error, instead of Boot's default error map. An exception
 * caused by the database being away is answered 503 with {@code Retry-After}, as in the
 * controllers.
 */
@RestController
@Hidden
class ProblemErrorController implements ErrorController {

	@RequestMapping("${server.error.path:${error.path:/error}}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value && HttpStatus.resolve(value) != null)
				? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
		Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		if (status.is5xxServerError() && failure instanceof Throwable thrown) {
			if (DatabaseOutage.isCause(thrown)) {
				return unavailable(request);
			}
			if (isUndecodableParameter(thrown)) {
				status = HttpStatus.BAD_REQUEST;
			}
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				status.is4xxClientError() ? "The request was refused: " + status.getReasonPhrase()
						: "Nexus failed to handle the request; the error is logged");
		problem.setType(URI.create(ProblemDetailsAdvice.TYPE_PREFIX + status.name().toLowerCase(Locale.ROOT)));
		problem.setTitle(status.getReasonPhrase());
		problem.setInstance(instance(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)));
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	private static ResponseEntity<ProblemDetail> unavailable(HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The database is unavailable; retry after " + DatabaseOutage.RETRY_AFTER_SECONDS + " seconds");
		problem.setType(URI.create(ProblemDetailsAdvice.TYPE_PREFIX + "service_unavailable"));
		problem.setTitle(HttpStatus.SERVICE_UNAVAILABLE.getReasonPhrase());
		problem.setInstance(instance(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)));
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	private static boolean isUndecodableParameter(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
			if (cause instanceof InvalidParameterException) {
				return true;
			}
		}
		return false;
	}

	private static URI instance(Object path) {
		try {
			return URI.create((path instanceof String text) ? text : "/");
		}
		catch (IllegalArgumentException ex) {
			return URI.create("/");
		}
	}

}
