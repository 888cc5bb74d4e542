package io.nexus.server.security;

import java.time.Clock;
import java.time.Instant;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

/**
 * Issues the short-lived access tokens (HS256 JWTs) that every {@code /api} call carries.
 * Each names its session ({@code sid}) so that it dies with the session. Also issues the
 * enrolment tokens of admins who must enrol in MFA first: they have no session and no
 * roles, and carry an audience of their own that the access token decoder refuses.
 */
@Component
public class AccessTokens {

	static final String ISSUER = "nexus";

	static final String ROLES_CLAIM = "roles";

	static final String SESSION_CLAIM = "sid";

	static final String ENROLMENT_AUDIENCE = "nexus-mfa-enrolment";

	static final String SCOPE_CLAIM = "scope";

	static final String ENROLMENT_SCOPE = "mfa_enrolment";

	private final JwtEncoder encoder;

	private final SecurityProperties properties;

	private final Clock clock;

	AccessTokens(JwtEncoder encoder, SecurityProperties properties, Clock clock) {
		this.encoder = encoder;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Issues a token for a user's session.
	 * @param username the user
	 * @param role the user's role
	 * @param sessionId the session
	 * @return the token and its lifetime
	 */
	IssuedToken issue(String username, Role role, String sessionId) {
		Instant now = this.clock.instant();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(username)
			.issuedAt(now)
			.expiresAt(now.plus(this.properties.accessTokenTtl()))
			.claim(ROLES_CLAIM, java.util.List.of(role.wireName()))
			.claim(SESSION_CLAIM, sessionId)
			.build();
		String token = this.encoder
			.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
		return new IssuedToken(token, this.properties.accessTokenTtl().toSeconds());
	}

	/**
	 * Issues an enrolment token: good only for MFA setup and confirm, for a short time.
	 * @param username the admin who must enrol
	 * @return the token and its lifetime
	 */
	IssuedToken issueEnrolment(String username) {
		Instant now = this.clock.instant();
		java.time.Duration ttl = this.properties.mfa().enrolmentTokenTtl();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(username)
			.audience(java.util.List.of(ENROLMENT_AUDIENCE))
			.issuedAt(now)
			.expiresAt(now.plus(ttl))
			.claim(SCOPE_CLAIM, ENROLMENT_SCOPE)
			.build();
		String token = this.encoder
			.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
		return new IssuedToken(token, ttl.toSeconds());
	}

	/**
	 * An access token.
	 *
	 * @param value the JWT
	 * @param expiresInSeconds its lifetime
	 */
	public record IssuedToken(String value, long expiresInSeconds) {

		@Override
		public String toString() {
			return "IssuedToken[<redacted>, expiresInSeconds=" + this.expiresInSeconds + "]";
		}

	}

}
