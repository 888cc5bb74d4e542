package io.nexus.server.security;

import io.nexus.server.NexusApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code NEXUS_ENV=production} refuses to start on insecure settings and says how to fix
 * each.
 */
class ProductionGuardTests {

	@Test
	void refusesToStartInProductionWithInsecureSettingsNamingEachProblem() {
		assertThatThrownBy(() -> start("--nexus.env=production", "--nexus.security.jwt-secret=",
				"--nexus.security.admin-password=", "--nexus.security.oidc.jwk-set-uri=http://idp.example/jwks"))
			.rootCause()
			.hasMessageContaining("NEXUS_ENV=production refuses to start")
			.hasMessageContaining("NEXUS_JWT_SECRET is not set")
			.hasMessageContaining("NEXUS_ADMIN_PASSWORD is not set")
			.hasMessageContaining("plain HTTP")
			.hasMessageContaining("NEXUS_BEHIND_TLS_PROXY=true")
			.hasMessageContaining("NEXUS_OIDC_JWK_SET_URI");
	}

	@Test
	void refusesAWeakSecret() {
		assertThatThrownBy(() -> start("--nexus.env=production",
				"--nexus.security.jwt-secret=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				"--nexus.security.admin-password=a-long-enough-password", "--nexus.security.behind-tls-proxy=true"))
			.rootCause()
			.hasMessageContaining("NEXUS_JWT_SECRET is weak")
			.hasMessageNotContaining("NEXUS_ADMIN_PASSWORD")
			.hasMessageNotContaining("plain HTTP")
			.hasMessageNotContaining("single sign-on");
	}

	@Test
	void refusesMfaNotRequiredForAdmins() {
		assertThatThrownBy(() -> start("--nexus.env=production",
				"--nexus.security.jwt-secret=0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
				"--nexus.security.admin-password=a-long-enough-password", "--nexus.security.behind-tls-proxy=true",
				"--nexus.security.mfa.required-for-admins=false"))
			.rootCause()
			.hasMessageContaining("nexus.security.mfa.required-for-admins is false")
			.hasMessageNotContaining("NEXUS_JWT_SECRET");
	}

	@Test
	void refusesMfaEnforcementTurnedOff() {
		assertThatThrownBy(() -> start("--nexus.env=production",
				"--nexus.security.jwt-secret=0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
				"--nexus.security.admin-password=a-long-enough-password", "--nexus.security.behind-tls-proxy=true",
				"--nexus.security.mfa.enforce=false"))
			.rootCause()
			.hasMessageContaining("nexus.security.mfa.enforce is false")
			.hasMessageNotContaining("required-for-admins")
			.hasMessageNotContaining("NEXUS_JWT_SECRET");
	}

	@Test
	void refusesACheapPasswordHash() {
		assertThatThrownBy(() -> start("--nexus.env=production",
				"--nexus.security.jwt-secret=0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
				"--nexus.security.admin-password=a-long-enough-password", "--nexus.security.behind-tls-proxy=true",
				"--nexus.security.password-hash-cost=9"))
			.rootCause()
			.hasMessageContaining("nexus.security.password-hash-cost is 9")
			.hasMessageNotContaining("NEXUS_JWT_SECRET")
			.hasMessageNotContaining("mfa");
	}

	private static void start(String... args) {
		String[] all = java.util.Arrays.copyOf(args, args.length + 2);
		all[args.length] = "--server.port=0";
		all[args.length + 1] = "--spring.datasource.url=jdbc:h2:mem:guard-" + System.nanoTime()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
		new SpringApplicationBuilder(NexusApplication.class).run(all).close();
	}

}
