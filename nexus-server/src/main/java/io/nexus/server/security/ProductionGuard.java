package io.nexus.server.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.nexus.server.security.persistence.UserRepository;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * With {@code NEXUS_ENV=production}, refuses to start on insecure settings, naming each
 * problem and its fix. It runs before the signing key and the first admin are made.
 */
@Component
class ProductionGuard implements InitializingBean {

	static final int MIN_DISTINCT_SECRET_CHARS = 12;

	private final Environment environment;

	private final SecurityProperties properties;

	private final UserRepository users;

	private final TransactionTemplate transaction;

	ProductionGuard(Environment environment, SecurityProperties properties, UserRepository users,
			TransactionTemplate transaction) {
		this.environment = environment;
		this.properties = properties;
		this.users = users;
		this.transaction = transaction;
	}

	@Override
	public void afterPropertiesSet() {
		String env = this.environment.getProperty("nexus.env", "development").strip().toLowerCase(Locale.ROOT);
		if (!env.equals("production")) {
			return;
		}
		List<String> problems = problems();
		if (!problems.isEmpty()) {
			throw new IllegalStateException("NEXUS_ENV=production refuses to start with insecure settings:\n  - "
					+ String.join("\n  - ", problems));
		}
	}

	List<String> problems() {
		List<String> problems = new ArrayList<>();
		String secret = this.properties.jwtSecret();
		if (secret == null || secret.isBlank()) {
			problems.add("NEXUS_JWT_SECRET is not set. Fix: set it to a random secret of at least "
					+ JwtKeys.MIN_SECRET_BYTES + " bytes, e.g. NEXUS_JWT_SECRET=$(openssl rand -base64 48)");
		}
		else if (secret.getBytes(StandardCharsets.UTF_8).length < JwtKeys.MIN_SECRET_BYTES
				|| secret.chars().distinct().count() < MIN_DISTINCT_SECRET_CHARS) {
			problems.add("NEXUS_JWT_SECRET is weak (shorter than " + JwtKeys.MIN_SECRET_BYTES
					+ " bytes or too few distinct characters). Fix: NEXUS_JWT_SECRET=$(openssl rand -base64 48)");
		}
		String adminPassword = this.properties.adminPassword();
		boolean adminExists = Boolean.TRUE
			.equals(this.transaction.execute((status) -> this.users.exists(AdminAccountInitializer.ADMIN)));
		if (!adminExists && (adminPassword == null || adminPassword.isBlank())) {
			problems.add("NEXUS_ADMIN_PASSWORD is not set, so the first admin would get a generated password "
					+ "printed in the log. Fix: set NEXUS_ADMIN_PASSWORD to a password of at least "
					+ PasswordPolicy.MIN_LENGTH + " characters");
		}
		else if (!adminExists && adminPassword.length() < PasswordPolicy.MIN_LENGTH) {
			problems.add("NEXUS_ADMIN_PASSWORD is shorter than " + PasswordPolicy.MIN_LENGTH
					+ " characters. Fix: choose a longer one");
		}
		boolean tls = this.environment.getProperty("server.ssl.enabled", Boolean.class, Boolean.FALSE)
				|| this.environment.getProperty("server.ssl.key-store") != null
				|| this.environment.getProperty("server.ssl.bundle") != null;
		if (!tls && !this.properties.behindTlsProxy()) {
			problems.add("the server speaks plain HTTP. Fix: configure TLS (server.ssl.key-store, "
					+ "server.ssl.key-store-password, server.ssl.enabled=true), or, if a TLS-terminating proxy is in "
					+ "front, set NEXUS_BEHIND_TLS_PROXY=true (and server.forward-headers-strategy=native)");
		}
		if (!this.properties.mfa().requiredForAdmins()) {
			problems.add("nexus.security.mfa.required-for-admins is false. Fix: remove the setting (it defaults "
					+ "to true) and have every admin enrol in MFA (POST /api/auth/mfa/setup, then /confirm)");
		}
		if (Boolean.FALSE.equals(this.properties.mfa().enforce())) {
			problems.add("nexus.security.mfa.enforce is false, so admins could log in without MFA. Fix: remove "
					+ "the setting (production enforces it); an admin without MFA gets an enrolment token at login");
		}
		if (this.properties.passwordHashCost() < SecurityProperties.DEFAULT_PASSWORD_HASH_COST) {
			problems.add("nexus.security.password-hash-cost is " + this.properties.passwordHashCost()
					+ ", which makes stolen password hashes cheap to guess. Fix: remove the setting (it defaults to "
					+ SecurityProperties.DEFAULT_PASSWORD_HASH_COST + ")");
		}
		SecurityProperties.Oidc oidc = this.properties.oidc();
		if (isPlainHttp(oidc.issuerUri()) || isPlainHttp(oidc.jwkSetUri())) {
			problems.add("single sign-on reads the identity provider's keys over plain HTTP, where they can be "
					+ "replaced in transit. Fix: use https:// in NEXUS_OIDC_ISSUER_URI and NEXUS_OIDC_JWK_SET_URI");
		}
		return problems;
	}

	private static boolean isPlainHttp(@Nullable String uri) {
		return uri != null && uri.strip().toLowerCase(Locale.ROOT).startsWith("http://");
	}

}
