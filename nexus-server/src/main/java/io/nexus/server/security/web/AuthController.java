package io.nexus.server.security.web;

import io.nexus.server.security.AccessTokens;
import io.nexus.server.security.AccessTokens.IssuedToken;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Login: a user name and password for an access token.
 */
@RestController
@RequestMapping("/api/auth")
@Tag(name = "Authentication")
class AuthController {

	private final AuthenticationManager authentication;

	private final AccessTokens tokens;

	AuthController(AuthenticationManager authentication, AccessTokens tokens) {
		this.authentication = authentication;
		this.tokens = tokens;
	}

	@PostMapping("/login")
	@SecurityRequirements
	@Operation(summary = "Log in", description = "Returns a bearer token for the Authorization header.")
	LoginResponse login(@Valid @RequestBody LoginRequest request) {
		Authentication user = this.authentication
			.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(request.username(), request.password()));
		IssuedToken token = this.tokens.issue(user);
		return new LoginResponse(token.value(), "Bearer", token.expiresInSeconds());
	}

	/**
	 * The body of a login.
	 *
	 * @param username the user name
	 * @param password the password
	 */
	record LoginRequest(@NotBlank @Size(max = 64) String username, @NotBlank @Size(max = 128) String password) {

		@Override
		public String toString() {
			return "LoginRequest[username=" + this.username + ", password=<redacted>]";
		}

	}

	/**
	 * The answer to a login.
	 *
	 * @param accessToken the bearer token
	 * @param tokenType always {@code Bearer}
	 * @param expiresIn the token's lifetime, seconds
	 */
	record LoginResponse(String accessToken, String tokenType, long expiresIn) {

		@Override
		public String toString() {
			return "LoginResponse[<redacted>]";
		}

	}

}
