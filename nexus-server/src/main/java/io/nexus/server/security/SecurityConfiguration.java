package io.nexus.server.security;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The HTTP security rules. {@code /api/**} is stateless and takes bearer tokens only
 * (access JWTs, API keys, agent tokens); the rest (operations endpoints, OpenAPI, the
 * dashboard) also takes a browser session from the dashboard's login page, with CSRF
 * protection. Only {@code /health}, the login and MFA enrolment pages and static assets
 * are open; the dashboard's POST actions need an operator. docs/security.md has the full
 * matrix.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	static final String[] READERS = { "VIEWER", "OPERATOR", "ADMIN" };

	static final String[] WRITERS = { "OPERATOR", "ADMIN" };

	/** Pages load only their own scripts, styles and images, and are never framed. */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
			+ "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
			+ "form-action 'self'; frame-ancestors 'none'";

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
	SecurityFilterChain apiSecurity(HttpSecurity http, ProblemResponses problems, BearerTokenAuthenticator bearer,
			EnrolmentTokenAuthenticator enrolment, AgentAccessRules agents, SecurityProperties properties,
			SharedCounters sharedCounters) throws Exception {
		ProviderManager bearerManager = new ProviderManager(bearer);
		// only MFA setup and confirm also take the enrolment token of an admin who must
		// enrol before getting a session; everywhere else it is an invalid token (401)
		ProviderManager enrolmentManager = new ProviderManager(bearer, enrolment);
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		OrRequestMatcher enrolmentEndpoints = new OrRequestMatcher(
				paths.matcher(HttpMethod.POST, "/api/auth/mfa/setup"),
				paths.matcher(HttpMethod.POST, "/api/auth/mfa/confirm"));
		String[] readersOrEnrolment = { Role.VIEWER.authority(), Role.OPERATOR.authority(), Role.ADMIN.authority(),
				MfaEnforcement.ENROLMENT_AUTHORITY };
		http.securityMatcher("/api/**")
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers(HttpMethod.POST, "/api/auth/login", "/api/auth/refresh")
				.permitAll()
				.requestMatchers(enrolmentEndpoints)
				.hasAnyAuthority(readersOrEnrolment)
				.requestMatchers("/api/auth/**", "/api/api-keys", "/api/api-keys/**", "/api/users/me/**")
				.hasAnyRole(READERS)
				.requestMatchers("/api/users", "/api/users/**", "/api/enrollment-keys", "/api/enrollment-keys/**",
						"/api/audit", "/api/audit/**", "/api/admin/**", "/api/webhooks", "/api/webhooks/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.POST, "/api/fleet/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.POST, "/api/a2a/agents", "/api/a2a/agents/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.DELETE, "/api/a2a/agents/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.POST, "/api/policies/dry-run")
				.hasAnyRole(READERS)
				.requestMatchers(HttpMethod.POST, "/api/policies", "/api/policies/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.PUT, "/api/policies/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.DELETE, "/api/policies/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.PUT, "/api/fair-share/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.DELETE, "/api/fair-share/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.POST, "/api/limits", "/api/limits/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.PUT, "/api/limits/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.DELETE, "/api/limits/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.POST, "/api/schedules", "/api/schedules/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.PUT, "/api/schedules/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.DELETE, "/api/schedules/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.POST, "/api/budgets", "/api/budgets/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.PUT, "/api/budgets/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.DELETE, "/api/budgets/**")
				.hasRole("ADMIN")
				.requestMatchers(HttpMethod.GET, "/api/agents/{id}", "/api/agents/{id}/metrics")
				.access(agents.selfOr(READERS))
				.requestMatchers(HttpMethod.PUT, "/api/agents/{id}")
				.access(agents.selfOr(WRITERS))
				.requestMatchers(HttpMethod.GET, "/api/tasks/{id}")
				.access(agents.leasedOr(READERS))
				// whoever the task names as approver may decide, whatever their
				// role
				.requestMatchers(HttpMethod.POST, "/api/tasks/{id}/approve", "/api/tasks/{id}/reject")
				.hasAnyRole(READERS)
				// A2A's JSON-RPC endpoint reads and writes through one URL: it checks the
				// operator role itself for the methods that write (docs/interop.md)
				.requestMatchers(HttpMethod.POST, "/api/a2a")
				.hasAnyRole(READERS)
				// its HTTP+JSON binding subscribes with POST, a read
				.requestMatchers(HttpMethod.POST, "/api/a2a/v1/tasks/{id}:subscribe")
				.hasAnyRole(READERS)
				// marks the caller's own notifications read
				.requestMatchers(HttpMethod.POST, "/api/notifications/{id}/read", "/api/notifications/read-all")
				.hasAnyRole(READERS)
				.requestMatchers(HttpMethod.GET, "/api/**")
				.hasAnyRole(READERS)
				.requestMatchers(HttpMethod.HEAD, "/api/**")
				.hasAnyRole(READERS)
				.anyRequest()
				.hasAnyRole(WRITERS))
			.oauth2ResourceServer((resource) -> resource.authenticationEntryPoint(problems.unauthorized())
				.accessDeniedHandler(problems.forbidden())
				.authenticationManagerResolver(
						(request) -> enrolmentEndpoints.matches(request) ? enrolmentManager : bearerManager))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(problems.unauthorized())
				.accessDeniedHandler(problems.forbidden()))
			.addFilterAfter(new RateLimitFilter(properties.rateLimit(), problems, sharedCounters),
					BearerTokenAuthenticationFilter.class)
			.cors(Customizer.withDefaults())
			.headers(SecurityConfiguration::headers)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	/**
	 * The MCP endpoint (docs/interop.md) takes the same bearer tokens as the API and
	 * needs a role to open at all; each tool then checks the role its REST endpoint
	 * needs.
	 */
	@Bean
	@Order(1)
	SecurityFilterChain mcpSecurity(HttpSecurity http, ProblemResponses problems, BearerTokenAuthenticator bearer,
			SecurityProperties properties, SharedCounters sharedCounters) throws Exception {
		ProviderManager bearerManager = new ProviderManager(bearer);
		http.securityMatcher("/mcp", "/mcp/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().hasAnyRole(READERS))
			.oauth2ResourceServer((resource) -> resource.authenticationEntryPoint(problems.unauthorized())
				.accessDeniedHandler(problems.forbidden())
				.authenticationManagerResolver((request) -> bearerManager))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(problems.unauthorized())
				.accessDeniedHandler(problems.forbidden()))
			.addFilterAfter(new RateLimitFilter(properties.rateLimit(), problems, sharedCounters),
					BearerTokenAuthenticationFilter.class)
			.headers(SecurityConfiguration::headers)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain webSecurity(HttpSecurity http, ProblemResponses problems, BearerTokenAuthenticator bearer,
			AuthenticationManager passwordLogin, BrowserEnrolment enrolment) throws Exception {
		ProviderManager bearerManager = new ProviderManager(bearer);
		// the login page checks passwords with the same throttled, audited manager as the
		// API
		http.authenticationManager(passwordLogin);
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		OrRequestMatcher machineEndpoints = new OrRequestMatcher(paths.matcher("/metrics"), paths.matcher("/status"),
				paths.matcher("/v3/api-docs"), paths.matcher("/v3/api-docs/**"), paths.matcher("/dashboard/events"));
		// only a page view is remembered for after the login: that needs a session (a row
		// in the database), which anonymous scrapers and htmx fragments should not make
		HttpSessionRequestCache pageViews = new HttpSessionRequestCache();
		pageViews.setRequestMatcher(
				(request) -> HttpMethod.GET.matches(request.getMethod()) && !machineEndpoints.matches(request)
						&& request.getHeader("HX-Request") == null && request.getHeader("X-Requested-With") == null
						&& !String.valueOf(request.getHeader("Accept")).contains("application/json"));
		http.requestCache((cache) -> cache.requestCache(pageViews));
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers("/health", "/health/**", "/login", "/error", "/favicon.ico", "/css/**", "/js/**",
					"/img/**", "/webjars/**")
			.permitAll()
			// the A2A Agent Card is public, as the A2A specification allows
			// (docs/interop.md)
			.requestMatchers(HttpMethod.GET, "/.well-known/agent-card.json")
			.permitAll()
			// the enrolment page checks its own state, kept in the HTTP session
			.requestMatchers("/login/enrol", "/login/enrol/**")
			.permitAll()
			// webhook URLs may carry tokens: admins only, as in the API
			.requestMatchers("/webhooks", "/webhooks/**")
			.hasRole("ADMIN")
			// the dashboard's actions: the same rule as the API, whatever the buttons
			// show
			.requestMatchers(HttpMethod.POST, "/agents", "/agents/**", "/tasks", "/tasks/**")
			.hasAnyRole(WRITERS)
			.requestMatchers(HttpMethod.POST, "/policies/dry-run")
			.hasAnyRole(READERS)
			.requestMatchers(HttpMethod.POST, "/policies", "/policies/**")
			.hasRole("ADMIN")
			.requestMatchers(HttpMethod.POST, "/schedules", "/schedules/**")
			.hasRole("ADMIN")
			.anyRequest()
			.hasAnyRole(READERS))
			.formLogin((form) -> form.loginPage("/login")
				// the one-time code of two-factor users travels with the password
				.authenticationDetailsSource((request) -> new MultiFactor.LoginCode(
						(request.getParameter("code") != null) ? request.getParameter("code").strip() : ""))
				.successHandler(loggedIn(enrolment))
				.failureHandler((request, response, failure) -> loginFailed(request, response, failure, enrolment))
				.permitAll())
			.logout((logout) -> logout.logoutSuccessUrl("/login?logout").permitAll())
			.oauth2ResourceServer((resource) -> resource.authenticationEntryPoint(problems.unauthorized())
				.accessDeniedHandler(problems.forbidden())
				.authenticationManagerResolver((request) -> bearerManager))
			.cors(Customizer.withDefaults())
			.headers(SecurityConfiguration::headers)
			.exceptionHandling((exceptions) -> exceptions
				.defaultAuthenticationEntryPointFor(problems.unauthorized(), machineEndpoints)
				// between the password and the first code, every page leads back to the
				// enrolment
				.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login/enrol"),
						enrolment::isPending));
		return http.build();
	}

	/**
	 * Closed unless {@code nexus.security.cors.allowed-origins} lists origins.
	 */
	@Bean
	CorsConfigurationSource corsConfigurationSource(SecurityProperties properties) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		List<String> origins = properties.cors().allowedOrigins();
		if (!origins.isEmpty()) {
			CorsConfiguration configuration = new CorsConfiguration();
			configuration.setAllowedOrigins(origins);
			configuration.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE", "HEAD"));
			configuration.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key"));
			configuration.setExposedHeaders(List.of("Location", "Retry-After"));
			configuration.setMaxAge(600L);
			source.registerCorsConfiguration("/api/**", configuration);
		}
		return source;
	}

	/**
	 * After a login, no enrolment that this browser left unfinished stays behind.
	 */
	private static AuthenticationSuccessHandler loggedIn(BrowserEnrolment enrolment) {
		SavedRequestAwareAuthenticationSuccessHandler saved = new SavedRequestAwareAuthenticationSuccessHandler();
		return (request, response, authentication) -> {
			enrolment.cancel(request);
			saved.onAuthenticationSuccess(request, response, authentication);
		};
	}

	/**
	 * An admin who must enrol in MFA first goes on to the enrolment page, with the
	 * enrolment kept in the HTTP session instead of a login. Otherwise the login page
	 * comes back with the reason: an unavailable database gets its own message; every
	 * other failure the same one, so that the page does not tell which part was wrong.
	 */
	private static void loginFailed(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException failure, BrowserEnrolment enrolment) throws IOException {
		if (failure instanceof MfaEnrolmentRequiredException required && required.username() != null) {
			enrolment.begin(request, required.username());
			response.sendRedirect(request.getContextPath() + "/login/enrol");
			return;
		}
		enrolment.cancel(request);
		String reason = (failure instanceof AuthenticationUnavailableException) ? "unavailable" : "error";
		response.sendRedirect(request.getContextPath() + "/login?" + reason);
	}

	private static void headers(HeadersConfigurer<HttpSecurity> headers) {
		headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
			.referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.NO_REFERRER))
			.frameOptions((frames) -> frames.deny())
			.httpStrictTransportSecurity((hsts) -> hsts.includeSubDomains(true).maxAgeInSeconds(31_536_000));
	}

}
