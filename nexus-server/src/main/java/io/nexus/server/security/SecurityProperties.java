package io.nexus.server.security;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Security settings ({@code nexus.security.*}); docs/security.md explains each.
 *
 * @param jwtSecret the HMAC key for access tokens, at least 32 bytes
 * ({@code NEXUS_JWT_SECRET}); when unset, a random key is made at first start and kept in
 * the database, so that restarts and other nodes accept the same tokens
 * @param adminPassword the password of the {@code admin} user created at first start
 * ({@code NEXUS_ADMIN_PASSWORD}); when unset, a random one is printed once
 * @param accessTokenTtl how long an access token is valid
 * @param refreshTokenTtl how long a refresh token stays usable without being used
 * @param sessionCheckInterval how long a node trusts its cached answer that a session is
 * still live (a revocation on another node takes effect within this time)
 * @param behindTlsProxy whether a TLS-terminating proxy is in front of plain HTTP (the
 * production guard accepts plain HTTP only then)
 * @param passwordHashCost the bcrypt cost of new password hashes (2^cost rounds, 4 to
 * 31): each step doubles the work of every login and of every guess; a stored hash keeps
 * the cost it was made with; the production guard refuses less than the default
 * @param login login throttling
 * @param rateLimit API rate limits per principal
 * @param cors cross-origin access for browsers
 * @param mfa multi-factor authentication
 * @param oidc single sign-on with an external OpenID Connect issuer
 */
@ConfigurationProperties("nexus.security")
@Validated
public record SecurityProperties(@Nullable String jwtSecret, @Nullable String adminPassword,
		@DefaultValue("15m") Duration accessTokenTtl, @DefaultValue("14d") Duration refreshTokenTtl,
		@DefaultValue("5s") Duration sessionCheckInterval, @DefaultValue("false") boolean behindTlsProxy,
		@DefaultValue("" + DEFAULT_PASSWORD_HASH_COST) @Min(4) @Max(31) int passwordHashCost, @DefaultValue Login login,
		@DefaultValue RateLimit rateLimit, @DefaultValue Cors cors, @DefaultValue Mfa mfa, @DefaultValue Oidc oidc) {

	/** The bcrypt cost of new password hashes unless configured (Spring Security's). */
	public static final int DEFAULT_PASSWORD_HASH_COST = 10;

	@Override
	public String toString() {
		return "SecurityProperties[jwtSecret=<redacted>, adminPassword=<redacted>, accessTokenTtl="
				+ this.accessTokenTtl + ", refreshTokenTtl=" + this.refreshTokenTtl + "]";
	}

	/**
	 * Login throttling.
	 *
	 * @param maxFailuresPerUser failures of one user name within the window that lock it
	 * @param maxFailuresPerAddress failures from one address within the window that lock
	 * it
	 * @param window how far back failures count
	 * @param lockout how long a lock lasts
	 */
	public record Login(@DefaultValue("5") int maxFailuresPerUser, @DefaultValue("30") int maxFailuresPerAddress,
			@DefaultValue("15m") Duration window, @DefaultValue("15m") Duration lockout) {

	}

	/**
	 * API rate limits: a token bucket per principal (or per address before
	 * authentication).
	 *
	 * @param enabled whether limits apply
	 * @param requestsPerSecond the sustained rate
	 * @param burst how many requests may come at once
	 */
	public record RateLimit(@DefaultValue("true") boolean enabled, @DefaultValue("200") double requestsPerSecond,
			@DefaultValue("1000") int burst) {

	}

	/**
	 * Multi-factor authentication.
	 *
	 * @param requiredForAdmins the policy that admins must use MFA; the production guard
	 * refuses to start with it off
	 * @param enforce whether login enforces that policy: {@code true}, {@code false}, or
	 * unset (the default) for "only with {@code NEXUS_ENV=production}"; an admin without
	 * MFA then gets only an enrolment token
	 * @param enrolmentTokenTtl how long the enrolment token of an admin without MFA is
	 * valid
	 */
	public record Mfa(@DefaultValue("true") boolean requiredForAdmins, @Nullable Boolean enforce,
			@DefaultValue("10m") Duration enrolmentTokenTtl) {

	}

	/**
	 * Cross-origin access.
	 *
	 * @param allowedOrigins origins whose pages may call the API; empty (the default)
	 * means none
	 */
	public record Cors(@DefaultValue List<String> allowedOrigins) {

	}

	/**
	 * Single sign-on: access tokens of an external OpenID Connect issuer, accepted
	 * besides Nexus's own. Enabled when the issuer or the JWK set URI is set.
	 *
	 * @param issuerUri the issuer ({@code iss}) its tokens must carry; also where its
	 * keys are discovered when {@code jwkSetUri} is unset
	 * @param jwkSetUri where the issuer publishes its signing keys
	 * @param audience when set, the {@code aud} its tokens must contain
	 * @param rolesClaim the claim holding the caller's roles or groups (a dotted path
	 * such as {@code realm_access.roles} reads a nested claim)
	 * @param roleMapping {@code external=nexus} pairs, such as {@code nexus-admin=admin};
	 * when empty, the Nexus role names themselves are read
	 * @param usernameClaim the claim naming the caller (falls back to {@code sub})
	 */
	public record Oidc(@Nullable String issuerUri, @Nullable String jwkSetUri, @Nullable String audience,
			@DefaultValue("roles") String rolesClaim, @DefaultValue List<String> roleMapping,
			@DefaultValue("preferred_username") String usernameClaim) {

		/**
		 * Whether single sign-on is configured.
		 * @return whether an issuer or JWK set URI is set
		 */
		public boolean enabled() {
			return hasText(this.issuerUri) || hasText(this.jwkSetUri);
		}

		static boolean hasText(@Nullable String value) {
			return value != null && !value.isBlank();
		}

	}

}
