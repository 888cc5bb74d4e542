package io.nexus.server.security.web;

import java.time.Instant;
import java.util.List;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.AuthSession;
import io.nexus.server.security.MultiFactor;
import io.nexus.server.security.Role;
import io.nexus.server.security.Sessions;
import io.nexus.server.security.Sessions.Client;
import io.nexus.server.security.Sessions.IssuedSession;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Login, refresh, logout, and a user's own sessions.
 */
@RestController
@RequestMapping("/api/auth")
@Tag(name = "Authentication")
class AuthController {

	private final AuthenticationManager authentication;

	private final Sessions sessions;

	private final AuditLog audit;

	AuthController(AuthenticationManager authentication, Sessions sessions, AuditLog audit) {
		this.authentication = authentication;
		this.sessions = sessions;
		this.audit = audit;
	}

	@PostMapping("/login")
	@SecurityRequirements
	@Operation(summary = "Log in",
			description = "Returns a short-lived bearer token for the Authorization header and a refresh token. "
					+ "A user with multi-factor authentication on must also send 'code' (TOTP or recovery code). "
					+ "While MFA is enforced for admins, an admin without it gets 403 mfa_enrolment_required with "
					+ "an enrolment token for POST /api/auth/mfa/setup and /confirm instead of a session.")
	LoginResponse login(@Valid @RequestBody LoginRequest request, HttpServletRequest http) {
		UsernamePasswordAuthenticationToken attempt = UsernamePasswordAuthenticationToken
			.unauthenticated(request.username(), request.password());
		if (request.code() != null) {
			attempt.setDetails(new MultiFactor.LoginCode(request.code()));
		}
		Authentication user = this.authentication.authenticate(attempt);
		Role role = Role.of(user.getAuthorities()).orElse(Role.VIEWER);
		return LoginResponse.of(this.sessions.open(user.getName(), role, client(http)));
	}

	@PostMapping("/refresh")
	@SecurityRequirements
	@Operation(summary = "Trade a refresh token for new tokens",
			description = "The refresh token rotates: the old one stops working. Presenting a used one again "
					+ "ends the whole session.")
	LoginResponse refresh(@Valid @RequestBody RefreshRequest request) {
		return LoginResponse.of(this.sessions.refresh(request.refreshToken()));
	}

	@PostMapping("/logout")
	@Operation(summary = "End the session of this access token")
	ResponseEntity<Void> logout(Authentication caller) {
		String sessionId = sessionOf(caller);
		this.sessions.revoke(sessionId, "logout");
		this.audit.record("auth.logout", sessionId, AuditLog.SUCCESS, null);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/logout-all")
	@Operation(summary = "End every session of the caller")
	ResponseEntity<Void> logoutAll(Authentication caller) {
		sessionOf(caller);
		int ended = this.sessions.revokeAll(caller.getName(), "logout_all");
		this.audit.record("auth.logout_all", caller.getName(), AuditLog.SUCCESS, ended + " session(s) ended");
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/sessions")
	@Operation(summary = "The caller's live sessions")
	List<SessionResponse> sessions(Authentication caller) {
		String current = sessionOf(caller);
		return this.sessions.live(caller.getName())
			.stream()
			.map((session) -> SessionResponse.of(session, current))
			.toList();
	}

	@DeleteMapping("/sessions/{id}")
	@Operation(summary = "End one of the caller's sessions")
	ResponseEntity<Void> revoke(@PathVariable String id, Authentication caller) {
		sessionOf(caller);
		this.sessions.revokeOwn(caller.getName(), id);
		this.audit.record("auth.session_revoked", id, AuditLog.SUCCESS, null);
		return ResponseEntity.noContent().build();
	}

	static Client client(HttpServletRequest http) {
		return new Client(http.getRemoteAddr(), http.getHeader(HttpHeaders.USER_AGENT));
	}

	/**
	 * The session of a caller who logged in; API keys and agents have none.
	 */
	static String sessionOf(Authentication caller) {
		// a single sign-on token may carry its issuer's own "sid": only Nexus's count
		if (caller instanceof JwtAuthenticationToken jwt && "nexus".equals(jwt.getToken().getClaimAsString("iss"))
				&& jwt.getToken().getClaimAsString("sid") != null) {
			return jwt.getToken().getClaimAsString("sid");
		}
		throw new AccessDeniedException("only a logged-in user has sessions");
	}

	/**
	 * The body of a login.
	 *
	 * @param username the user name
	 * @param password the password
	 * @param code the one-time code (TOTP or recovery code) of a user with MFA on
	 */
	record LoginRequest(@NotBlank @Size(max = 64) String username, @NotBlank @Size(max = 128) String password,
			@Nullable @Size(max = 64) String code) {

		@Override
		public String toString() {
			return "LoginRequest[username=" + this.username + ", password=<redacted>, code=<redacted>]";
		}

	}

	/**
	 * The body of a refresh.
	 *
	 * @param refreshToken the refresh token from the login or the last refresh
	 */
	record RefreshRequest(@NotBlank @Size(max = 100) String refreshToken) {

		@Override
		public String toString() {
			return "RefreshRequest[<redacted>]";
		}

	}

	/**
	 * The answer to a login or refresh.
	 *
	 * @param accessToken the bearer token
	 * @param tokenType always {@code Bearer}
	 * @param expiresIn the access token's lifetime, seconds
	 * @param refreshToken the refresh token, for {@code POST /api/auth/refresh}; each
	 * works once
	 * @param sessionId the session
	 */
	record LoginResponse(String accessToken, String tokenType, long expiresIn, String refreshToken, String sessionId) {

		static LoginResponse of(IssuedSession session) {
			return new LoginResponse(session.access().value(), "Bearer", session.access().expiresInSeconds(),
					session.refreshToken(), session.sessionId());
		}

		@Override
		public String toString() {
			return "LoginResponse[<redacted>]";
		}

	}

	/**
	 * A live session.
	 *
	 * @param id its id
	 * @param createdAt when the user logged in
	 * @param lastUsedAt when it was last refreshed
	 * @param expiresAt when it ends unless refreshed
	 * @param userAgent the client
	 * @param address the client's address at login
	 * @param current whether the caller's token belongs to it
	 */
	record SessionResponse(String id, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
			@Nullable String userAgent, @Nullable String address, boolean current) {

		static SessionResponse of(AuthSession session, String current) {
			return new SessionResponse(session.id(), session.createdAt(), session.lastUsedAt(), session.expiresAt(),
					session.userAgent(), session.address(), session.id().equals(current));
		}

	}

}
