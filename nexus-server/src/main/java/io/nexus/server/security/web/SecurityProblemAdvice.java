package io.nexus.server.security.web;

import java.net.URI;

import io.nexus.server.security.AccessTokens.IssuedToken;
import io.nexus.server.security.AuthenticationUnavailableException;
import io.nexus.server.security.InvalidMfaCodeException;
import io.nexus.server.security.InvalidRefreshTokenException;
import io.nexus.server.security.LoginLockedException;
import io.nexus.server.security.MfaEnrolmentRequiredException;
import io.nexus.server.security.MfaRequiredException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;
import org.springframework.http.CacheControl;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The problems of login and refresh that the general mapping does not know: a lockout
 * (429 with {@code Retry-After}), a bad refresh token, a missing or wrong one-time code,
 * an admin who must enrol in MFA first (403 with an enrolment token), and a database that
 * cannot check credentials (503 with {@code Retry-After}).
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

	@ExceptionHandler(MfaEnrolmentRequiredException.class)
	ResponseEntity<ProblemDetail> mfaEnrolmentRequired(MfaEnrolmentRequiredException ex, HttpServletRequest request) {
		IssuedToken token = ex.enrolmentToken();
		ProblemDetail problem = problem(HttpStatus.FORBIDDEN, "mfa_enrolment_required", (token != null)
				? "Admins must use multi-factor authentication: enrol with the enrolment_token as bearer token "
						+ "(POST /api/auth/mfa/setup, then POST /api/auth/mfa/confirm), then log in with a code"
				: "Admins must use multi-factor authentication: this session has ended; log in with your password "
						+ "to get an enrolment token",
				request);
		if (token != null) {
			problem.setProperty("enrolment_token", token.value());
			problem.setProperty("expires_in", token.expiresInSeconds());
		}
		return ResponseEntity.status(HttpStatus.FORBIDDEN).cacheControl(CacheControl.noStore()).body(problem);
	}

	@ExceptionHandler(AuthenticationUnavailableException.class)
	ResponseEntity<ProblemDetail> unavailable(AuthenticationUnavailableException ex, HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Integer.toString(AuthenticationUnavailableException.RETRY_AFTER_SECONDS))
			.body(problem(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable",
					"Credentials cannot be checked right now (the database is unavailable); try again later", request));
	}

	private static ProblemDetail problem(HttpStatus status, String code, String detail, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:nexus:problem:" + code));
		problem.setInstance(URI.create(request.getRequestURI()));
		return problem;
	}

}
