package io.nexus.server.security;

import java.util.Map;

import javax.crypto.SecretKey;

import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.persistence.UserRepository;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Credentials: password hashing, the signing key and codec of access tokens, and the
 * authentication of passwords and bearer tokens.
 */
@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

	/**
	 * New passwords are hashed with bcrypt at the configured cost, under the
	 * {@code {bcrypt}} prefix; stored hashes of any other algorithm Spring Security knows
	 * are still checked.
	 */
	@Bean
	PasswordEncoder passwordEncoder(SecurityProperties properties) {
		DelegatingPasswordEncoder encoder = new DelegatingPasswordEncoder("bcrypt",
				Map.of("bcrypt", new BCryptPasswordEncoder(properties.passwordHashCost())));
		encoder.setDefaultPasswordEncoderForMatches(PasswordEncoderFactories.createDelegatingPasswordEncoder());
		return encoder;
	}

	@Bean
	SecretKey jwtSigningKey(SecurityProperties properties, UserRepository store, TransactionTemplate transaction,
			ProductionGuard guard) {
		return JwtKeys.resolve(properties, store, transaction);
	}

	@Bean
	JwtEncoder jwtEncoder(SecretKey jwtSigningKey) {
		return NimbusJwtEncoder.withSecretKey(jwtSigningKey).algorithm(MacAlgorithm.HS256).build();
	}

	@Bean
	JwtDecoder jwtDecoder(SecretKey jwtSigningKey, RevokedSessions revoked) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(jwtSigningKey)
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
				JwtValidators.createDefaultWithIssuer(AccessTokens.ISSUER), notForEnrolment(), liveSession(revoked)));
		return decoder;
	}

	/**
	 * The enrolment token authenticator, consulted only by the MFA setup and confirm
	 * endpoints. Not a {@link JwtDecoder} bean, so that nothing else can pick it up.
	 */
	@Bean
	EnrolmentTokenAuthenticator enrolmentTokenAuthenticator(SecretKey jwtSigningKey, UserRepository users) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(jwtSigningKey)
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
				JwtValidators.createDefaultWithIssuer(AccessTokens.ISSUER), forEnrolmentOnly()));
		return new EnrolmentTokenAuthenticator(decoder, users);
	}

	/**
	 * Password login, throttled and audited; the API's login endpoint and the login page
	 * both use it.
	 */
	@Bean
	AuthenticationManager authenticationManager(UserAccounts users, PasswordEncoder passwordEncoder,
			LoginThrottle throttle, AuditLog audit, MultiFactor mfa, MfaEnforcement enforcement, AccessTokens tokens) {
		DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
		provider.setPasswordEncoder(passwordEncoder);
		return new ProviderManager(new ThrottledLoginProvider(provider, throttle, audit, mfa, enforcement, tokens));
	}

	@Bean
	BearerTokenAuthenticator bearerTokenAuthenticator(JwtDecoder jwtDecoder, ApiKeys apiKeys, AgentRegistry agents,
			SecurityProperties properties) {
		JwtAuthenticationProvider jwts = new JwtAuthenticationProvider(jwtDecoder);
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(JwtRoles::authorities);
		jwts.setJwtAuthenticationConverter(converter);
		OidcTokens external = properties.oidc().enabled() ? new OidcTokens(properties.oidc()) : null;
		return new BearerTokenAuthenticator(jwts, apiKeys, agents, external);
	}

	private static OAuth2TokenValidator<Jwt> notForEnrolment() {
		return (jwt) -> {
			boolean enrolment = (jwt.getAudience() != null
					&& jwt.getAudience().contains(AccessTokens.ENROLMENT_AUDIENCE))
					|| AccessTokens.ENROLMENT_SCOPE.equals(jwt.getClaimAsString(AccessTokens.SCOPE_CLAIM));
			return enrolment
					? OAuth2TokenValidatorResult.failure(
							new OAuth2Error("invalid_token", "An enrolment token is good only for MFA enrolment", null))
					: OAuth2TokenValidatorResult.success();
		};
	}

	private static OAuth2TokenValidator<Jwt> forEnrolmentOnly() {
		return (jwt) -> {
			boolean enrolment = jwt.getAudience() != null && jwt.getAudience().contains(AccessTokens.ENROLMENT_AUDIENCE)
					&& AccessTokens.ENROLMENT_SCOPE.equals(jwt.getClaimAsString(AccessTokens.SCOPE_CLAIM))
					&& jwt.getClaimAsString(AccessTokens.SESSION_CLAIM) == null && jwt.getExpiresAt() != null;
			return enrolment ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult
				.failure(new OAuth2Error("invalid_token", "Not an MFA enrolment token", null));
		};
	}

	private static OAuth2TokenValidator<Jwt> liveSession(RevokedSessions revoked) {
		return (jwt) -> {
			String sessionId = jwt.getClaimAsString(AccessTokens.SESSION_CLAIM);
			if (sessionId == null || revoked.isRevoked(sessionId)) {
				return OAuth2TokenValidatorResult
					.failure(new OAuth2Error("invalid_token", "The session of this token has ended", null));
			}
			return OAuth2TokenValidatorResult.success();
		};
	}

}
