package io.nexus.server.shared.web;

import java.net.URI;
import java.util.Locale;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the errors that never reach a controller (requests that the security firewall
 * rejects, {@code sendError} from a filter, an exception that escapes one) with an RFC
 * 9457 problem like every other error, instead of Boot's default error map.
 */
@RestController
@Hidden
class ProblemErrorController implements ErrorController {

	@RequestMapping("${server.error.path:${error.path:/error}}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value && HttpStatus.resolve(value) != null)
				? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				status.is4xxClientError() ? "The request was refused: " + status.getReasonPhrase()
						: "Nexus failed to handle the request; the error is logged");
		problem.setType(URI.create(ProblemDetailsAdvice.TYPE_PREFIX + status.name().toLowerCase(Locale.ROOT)));
		problem.setTitle(status.getReasonPhrase());
		problem.setInstance(instance(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)));
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
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
