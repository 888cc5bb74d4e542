package io.nexus.server.security;

import io.nexus.server.agents.AgentRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Tells the three kinds of bearer token apart by their prefix: {@code nxk_} API keys,
 * {@code nxa_} agent tokens, and anything else as an access JWT: Nexus's own, or, when
 * single sign-on is configured, one of the external issuer's (see {@link OidcTokens}). A
 * database failure while looking a token up is an
 * {@link AuthenticationUnavailableException} (503), not a bad token.
 */
class BearerTokenAuthenticator implements AuthenticationProvider {

	private final AuthenticationProvider jwts;

	private final ApiKeys apiKeys;

	private final AgentRegistry agents;

	private final @Nullable OidcTokens external;

	BearerTokenAuthenticator(AuthenticationProvider jwts, ApiKeys apiKeys, AgentRegistry agents,
			@Nullable OidcTokens external) {
		this.jwts = jwts;
		this.apiKeys = apiKeys;
		this.agents = agents;
		this.external = external;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		try {
			return identify(authentication);
		}
		catch (RuntimeException ex) {
			// a database that cannot be read is no reason to call a token wrong
			if (!(ex instanceof AuthenticationUnavailableException)
					&& AuthenticationUnavailableException.causedByDataAccess(ex)) {
				throw new AuthenticationUnavailableException(ex);
			}
			throw ex;
		}
	}

	private Authentication identify(Authentication authentication) {
		String token = ((BearerTokenAuthenticationToken) authentication).getToken();
		if (token.startsWith(SecretTokens.API_KEY_PREFIX)) {
			return this.apiKeys.authenticate(token)
				.<Authentication>map((acting) -> new ApiKeyAuthentication(acting.key(), acting.role()))
				.orElseThrow(() -> new InvalidBearerTokenException("unknown, expired or revoked API key"));
		}
		if (token.startsWith(SecretTokens.AGENT_PREFIX)) {
			return this.agents.identify(token)
				.<Authentication>map(AgentAuthentication::new)
				.orElseThrow(() -> new InvalidBearerTokenException("unknown or revoked agent token"));
		}
		if (this.external != null && this.external.claims(token)) {
			return this.external.provider().authenticate(authentication);
		}
		return this.jwts.authenticate(authentication);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
