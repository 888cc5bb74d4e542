package io.nexus.server.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Single sign-on settings and an identity provider that cannot be reached.
 */
class OidcTokensTests {

	private static final String RS256_TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJ4In0.c2ln";

	@Test
	void anUnreachableJwkSetRefusesTheTokenWithoutAServerError() {
		OidcTokens tokens = new OidcTokens(settings(null, "http://localhost:1/jwks", List.of()));
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> tokens.provider().authenticate(new BearerTokenAuthenticationToken(RS256_TOKEN)));
	}

	@Test
	void anUnreachableIssuerDoesNotStopTheStartAndRefusesTheToken() {
		OidcTokens tokens = new OidcTokens(settings("http://localhost:1/realms/x", null, List.of()));
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> tokens.provider().authenticate(new BearerTokenAuthenticationToken(RS256_TOKEN)));
	}

	@Test
	void aMappingToAnUnknownRoleStopsTheStart() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new OidcTokens(settings("https://idp", null, List.of("nexus-admin=root"))));
		assertThatIllegalStateException()
			.isThrownBy(() -> new OidcTokens(settings("https://idp", null, List.of("admin"))));
	}

	@Test
	void theIssuerOfNexusOwnTokensCannotBeTheSingleSignOnIssuer() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new OidcTokens(settings("nexus", "https://idp/jwks", List.of())));
	}

	@Test
	void routesAsymmetricTokensAndTheIssuersTokensOnly() {
		OidcTokens tokens = new OidcTokens(settings("https://idp", null, List.of()));
		assertThat(tokens.claims(RS256_TOKEN)).isTrue();
		// HS256 with iss=https://idp, and HS256 with iss=nexus
		assertThat(tokens.claims("eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lkcCJ9.c2ln")).isTrue();
		assertThat(tokens.claims("eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJuZXh1cyJ9.c2ln")).isFalse();
		assertThat(tokens.claims("not a jwt")).isFalse();
	}

	private static SecurityProperties.Oidc settings(String issuer, String jwkSetUri, List<String> mapping) {
		return new SecurityProperties.Oidc(issuer, jwkSetUri, null, "roles", mapping, "preferred_username");
	}

}
