package io.nexus.server.security.web;

import java.net.URI;

import io.nexus.server.security.InvalidMfaCodeException;
import io.nexus.server.security.InvalidRefreshTokenException;
import io.nexus.server.security.LoginLockedException;
import io.nexus.server.security.MfaRequiredException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The problems of login and refresh that the general mapping does not know: a lockout
 * (429 with {@code Retry-After}), a bad refresh token, and a missing or wrong one-time
 * code.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityProblemAdvice {

	@ExceptionHandler(LoginLockedException.class)
	ResponseEntity<ProblemDetail> locked(LoginLockedException ex, HttpServletRequest request) {
		long seconds = Math.max(1, ex.retryAfter().toSeconds());
		ProblemDetail problem = problem(HttpStatus.TOO_MANY_REQUESTS, "login_locked",
				"Too many failed logins for this user or from this address; try again in " + seconds + " s", request);
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
			.body(problem);
	}

	@ExceptionHandler(InvalidRefreshTokenException.class)
	ResponseEntity<ProblemDetail> invalidRefresh(InvalidRefreshTokenException ex, HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
			.body(problem(HttpStatus.UNAUTHORIZED, "invalid_refresh_token",
					"The refresh token is unknown, used, expired or revoked; log in again", request));
	}

	@ExceptionHandler(MfaRequiredException.class)
	ResponseEntity<ProblemDetail> mfaRequired(MfaRequiredException ex, HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
			.body(problem(HttpStatus.UNAUTHORIZED, "mfa_required",
					"This user has multi-factor authentication on: send 'code' with a TOTP or recovery code", request));
	}

	@ExceptionHandler(InvalidMfaCodeException.class)
	ResponseEntity<ProblemDetail> invalidCode(InvalidMfaCodeException ex, HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
			.body(problem(HttpStatus.UNAUTHORIZED, "invalid_mfa_code",
					"The one-time code is wrong, expired or already used", request));
	}

	private static ProblemDetail problem(HttpStatus status, String code, String detail, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:nexus:problem:" + code));
		problem.setInstance(URI.create(request.getRequestURI()));
		return problem;
	}

}
