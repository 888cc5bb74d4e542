package io.nexus.server.security;

import java.util.List;

import io.nexus.server.security.persistence.UserRepository;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Accepts the enrolment tokens of admins who must enrol in MFA before they get a session.
 * Only the MFA setup and confirm endpoints consult it; the caller it makes has the single
 * authority {@link MfaEnforcement#ENROLMENT_AUTHORITY} and no role.
 */
class EnrolmentTokenAuthenticator implements AuthenticationProvider {

	private final JwtAuthenticationProvider jwts;

	private final UserRepository users;

	EnrolmentTokenAuthenticator(JwtDecoder enrolmentDecoder, UserRepository users) {
		this.jwts = new JwtAuthenticationProvider(enrolmentDecoder);
		this.jwts.setJwtAuthenticationConverter((jwt) -> new JwtAuthenticationToken(jwt,
				List.of(new SimpleGrantedAuthority(MfaEnforcement.ENROLMENT_AUTHORITY)), jwt.getSubject()));
		this.users = users;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String token = ((BearerTokenAuthenticationToken) authentication).getToken();
		if (token.startsWith(SecretTokens.API_KEY_PREFIX) || token.startsWith(SecretTokens.AGENT_PREFIX)) {
			throw new InvalidBearerTokenException("not an enrolment token");
		}
		Authentication result = this.jwts.authenticate(authentication);
		boolean enabled = this.users.findCredentials(result.getName())
			.map(UserRepository.Credentials::enabled)
			.orElse(false);
		if (!enabled) {
			throw new InvalidBearerTokenException("the user of this enrolment token is gone or disabled");
		}
		return result;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
