package io.nexus.server.security;

import java.text.ParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Single sign-on: access tokens of an external OpenID Connect issuer, signed with RS256
 * or ES256 by a key of its JWK set. Their roles come from a claim through
 * {@code nexus.security.oidc.role-mapping}; a caller with no known role gets no authority
 * (403). Callers are named {@code oidc:<name>}, which no local user can be called, so
 * they never act as a local account.
 */
final class OidcTokens {

	/** The prefix of the names of single sign-on callers. */
	static final String NAME_PREFIX = "oidc:";

	private static final Logger log = LoggerFactory.getLogger(OidcTokens.class);

	private static final Set<String> KNOWN = Set.of("viewer", "operator", "admin");

	private final SecurityProperties.Oidc settings;

	private final Map<String, String> mapping;

	private final AuthenticationProvider provider;

	OidcTokens(SecurityProperties.Oidc settings) {
		if (AccessTokens.ISSUER.equals(settings.issuerUri())) {
			throw new IllegalStateException("nexus.security.oidc.issuer-uri may not be '" + AccessTokens.ISSUER
					+ "', the issuer of Nexus's own tokens");
		}
		this.settings = settings;
		this.mapping = parseMapping(settings.roleMapping());
		JwtAuthenticationProvider jwts = new JwtAuthenticationProvider(unavailableAsInvalid(lazyDecoder(settings)));
		jwts.setJwtAuthenticationConverter(
				(jwt) -> new JwtAuthenticationToken(jwt, authorities(jwt), NAME_PREFIX + username(jwt)));
		this.provider = jwts;
	}

	AuthenticationProvider provider() {
		return this.provider;
	}

	/**
	 * Whether a bearer token is meant for this issuer: it is signed with an asymmetric
	 * algorithm, or its (not yet verified) {@code iss} is the configured issuer. Only the
	 * routing relies on the unverified token; the decoder verifies everything.
	 * @param token the bearer token
	 * @return whether to decode it as a single sign-on token
	 */
	boolean claims(String token) {
		try {
			JWT jwt = JWTParser.parse(token);
			if (!JWSAlgorithm.Family.HMAC_SHA.contains(jwt.getHeader().getAlgorithm())) {
				return true;
			}
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			return claims != null && SecurityProperties.Oidc.hasText(this.settings.issuerUri())
					&& this.settings.issuerUri().equals(claims.getIssuer());
		}
		catch (ParseException | RuntimeException ex) {
			return false;
		}
	}

	Collection<GrantedAuthority> authorities(Jwt jwt) {
		Set<String> roles = new LinkedHashSet<>();
		for (String value : values(claim(jwt.getClaims(), this.settings.rolesClaim()))) {
			String role = this.mapping.isEmpty() ? value : this.mapping.get(value);
			if (role != null && KNOWN.contains(role)) {
				roles.add(role);
			}
		}
		return roles.stream()
			.<GrantedAuthority>map((role) -> new SimpleGrantedAuthority(Role.fromWireName(role).authority()))
			.toList();
	}

	private String username(Jwt jwt) {
		String name = jwt.getClaimAsString(this.settings.usernameClaim());
		return (name != null && !name.isBlank()) ? name : String.valueOf(jwt.getSubject());
	}

	/**
	 * The decoder is made at the first token, so that Nexus starts while the identity
	 * provider is down; making it is tried again at each token until it works.
	 */
	private static JwtDecoder lazyDecoder(SecurityProperties.Oidc settings) {
		return new SupplierJwtDecoder(() -> decoder(settings));
	}

	/**
	 * A token that cannot be checked because the identity provider's configuration or
	 * keys cannot be read is refused (401), not a server error; the cause is logged.
	 */
	private static JwtDecoder unavailableAsInvalid(JwtDecoder decoder) {
		return (token) -> {
			try {
				return decoder.decode(token);
			}
			catch (BadJwtException ex) {
				throw ex;
			}
			catch (JwtDecoderInitializationException | JwtException ex) {
				log.warn("Single sign-on token not checked, the identity provider is unavailable: {}",
						(ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage());
				throw new BadJwtException("the identity provider is unavailable", ex);
			}
		};
	}

	private static NimbusJwtDecoder decoder(SecurityProperties.Oidc settings) {
		NimbusJwtDecoder.JwkSetUriJwtDecoderBuilder builder = SecurityProperties.Oidc.hasText(settings.jwkSetUri())
				? NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri())
				: NimbusJwtDecoder.withIssuerLocation(settings.issuerUri());
		NimbusJwtDecoder decoder = builder.jwsAlgorithm(SignatureAlgorithm.RS256)
			.jwsAlgorithm(SignatureAlgorithm.ES256)
			.build();
		OAuth2TokenValidator<Jwt> validator = SecurityProperties.Oidc.hasText(settings.issuerUri())
				? JwtValidators.createDefaultWithIssuer(settings.issuerUri()) : JwtValidators.createDefault();
		if (SecurityProperties.Oidc.hasText(settings.audience())) {
			validator = new DelegatingOAuth2TokenValidator<>(validator, new JwtClaimValidator<List<String>>(
					JwtClaimNames.AUD, (aud) -> aud != null && aud.contains(settings.audience())));
		}
		decoder.setJwtValidator(validator);
		return decoder;
	}

	private static Map<String, String> parseMapping(List<String> entries) {
		Map<String, String> mapping = new HashMap<>();
		for (String entry : entries) {
			if (entry.isBlank()) {
				continue;
			}
			int equals = entry.lastIndexOf('=');
			String role = (equals > 0) ? entry.substring(equals + 1).strip().toLowerCase(Locale.ROOT) : "";
			if (!KNOWN.contains(role)) {
				throw new IllegalStateException("nexus.security.oidc.role-mapping: '" + entry
						+ "' must be external=role with role viewer, operator or admin");
			}
			mapping.put(entry.substring(0, equals).strip(), role);
		}
		return mapping;
	}

	private static @Nullable Object claim(Map<String, Object> claims, String path) {
		Object value = claims;
		for (String part : path.split("\\.")) {
			if (!(value instanceof Map<?, ?> map)) {
				return null;
			}
			value = map.get(part);
		}
		return value;
	}

	private static List<String> values(@Nullable Object claim) {
		if (claim instanceof Collection<?> collection) {
			return collection.stream().filter(String.class::isInstance).map(String.class::cast).toList();
		}
		if (claim instanceof String text) {
			return List.of(text.strip().split("[\\s,]+"));
		}
		return List.of();
	}

}
