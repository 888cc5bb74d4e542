package io.nexus.server.security;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.crypto.SecretKey;

import io.nexus.server.security.persistence.UserRepository;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The HTTP security rules. {@code /api/**} is stateless and takes bearer tokens only; the
 * rest (operations endpoints, OpenAPI, the dashboard) also takes a browser session from
 * the dashboard's login page, with CSRF protection. Only {@code /health}, the login page
 * and static assets are open; the dashboard's POST actions need an operator.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	private static final String[] READERS = { "VIEWER", "OPERATOR", "ADMIN" };

	private static final String[] WRITERS = { "OPERATOR", "ADMIN" };

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	SecretKey jwtSigningKey(SecurityProperties properties, UserRepository store, TransactionTemplate transaction) {
		return JwtKeys.resolve(properties, store, transaction);
	}

	@Bean
	JwtEncoder jwtEncoder(SecretKey jwtSigningKey) {
		return NimbusJwtEncoder.withSecretKey(jwtSigningKey).algorithm(MacAlgorithm.HS256).build();
	}

	@Bean
	JwtDecoder jwtDecoder(SecretKey jwtSigningKey) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(jwtSigningKey)
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(AccessTokens.ISSUER));
		return decoder;
	}

	@Bean
	AuthenticationManager authenticationManager(UserAccounts users, PasswordEncoder passwordEncoder) {
		DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
		provider.setPasswordEncoder(passwordEncoder);
		return new ProviderManager(provider);
	}

	/**
	 * The agent WebSocket authenticates in its own protocol (an agent token or enrollment
	 * key in the handshake or in {@code agent_register}), so HTTP security steps aside.
	 */
	@Bean
	@Order(0)
	SecurityFilterChain agentSocketSecurity(HttpSecurity http) throws Exception {
		http.securityMatcher("/ws")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	@Order(1)
	SecurityFilterChain apiSecurity(HttpSecurity http, ProblemResponses problems) throws Exception {
		http.securityMatcher("/api/**")
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.POST, "/api/auth/login")
				.permitAll()
				.requestMatchers("/api/users", "/api/users/**", "/api/enrollment-keys", "/api/enrollment-keys/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.GET, "/api/**")
				.hasAnyRole(READERS)
				.requestMatchers(HttpMethod.HEAD, "/api/**")
				.hasAnyRole(READERS)
				.anyRequest()
				.hasAnyRole(WRITERS))
			.oauth2ResourceServer((resource) -> resource.authenticationEntryPoint(problems.unauthorized())
				.accessDeniedHandler(problems.forbidden())
				.jwt((jwt) -> jwt.jwtAuthenticationConverter(jwtAuthenticationConverter())))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(problems.unauthorized())
				.accessDeniedHandler(problems.forbidden()))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain webSecurity(HttpSecurity http, ProblemResponses problems) throws Exception {
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		OrRequestMatcher machineEndpoints = new OrRequestMatcher(paths.matcher("/metrics"), paths.matcher("/status"),
				paths.matcher("/v3/api-docs"), paths.matcher("/v3/api-docs/**"), paths.matcher("/dashboard/events"));
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers("/health", "/health/**", "/login", "/error", "/favicon.ico", "/css/**", "/js/**",
					"/img/**", "/webjars/**")
			.permitAll()
			// the dashboard's actions: the same rule as the API, whatever the buttons
			// show
			.requestMatchers(HttpMethod.POST, "/agents", "/agents/**", "/tasks", "/tasks/**")
			.hasAnyRole(WRITERS)
			.anyRequest()
			.hasAnyRole(READERS))
			.formLogin((form) -> form.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
			.logout((logout) -> logout.logoutSuccessUrl("/login?logout").permitAll())
			.oauth2ResourceServer((resource) -> resource.authenticationEntryPoint(problems.unauthorized())
				.accessDeniedHandler(problems.forbidden())
				.jwt((jwt) -> jwt.jwtAuthenticationConverter(jwtAuthenticationConverter())))
			.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(problems.unauthorized(),
					machineEndpoints));
		return http.build();
	}

	private static JwtAuthenticationConverter jwtAuthenticationConverter() {
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(SecurityConfiguration::roles);
		return converter;
	}

	private static Collection<GrantedAuthority> roles(Jwt jwt) {
		List<String> roles = jwt.getClaimAsStringList(AccessTokens.ROLES_CLAIM);
		if (roles == null) {
			return List.of();
		}
		return roles.stream()
			.<GrantedAuthority>map((role) -> new SimpleGrantedAuthority("ROLE_" + role.toUpperCase(Locale.ROOT)))
			.toList();
	}

}
