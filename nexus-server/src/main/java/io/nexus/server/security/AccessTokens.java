package io.nexus.server.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

/**
 * Issues the short-lived access tokens (HS256 JWTs) that every {@code /api} call carries.
 */
@Component
public class AccessTokens {

	static final String ISSUER = "nexus";

	static final String ROLES_CLAIM = "roles";

	private final JwtEncoder encoder;

	private final SecurityProperties properties;

	private final Clock clock;

	AccessTokens(JwtEncoder encoder, SecurityProperties properties, Clock clock) {
		this.encoder = encoder;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Issues a token for an authenticated user.
	 * @param authentication the user
	 * @return the token and its lifetime
	 */
	public IssuedToken issue(Authentication authentication) {
		Instant now = this.clock.instant();
		List<String> roles = authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter((authority) -> authority.startsWith("ROLE_"))
			.map((authority) -> authority.substring("ROLE_".length()).toLowerCase(java.util.Locale.ROOT))
			.toList();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(authentication.getName())
			.issuedAt(now)
			.expiresAt(now.plus(this.properties.accessTokenTtl()))
			.claim(ROLES_CLAIM, roles)
			.build();
		String token = this.encoder
			.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
		return new IssuedToken(token, this.properties.accessTokenTtl().toSeconds());
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
