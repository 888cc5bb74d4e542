package io.nexus.server.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where MFA is enforced for admins: by default only in production.
 */
class MfaEnforcementTests {

	@Test
	void enforcedInProductionByDefaultAndWhereverTurnedOn() {
		assertThat(MfaEnforcement.enforced("production", mfa(true, null))).isTrue();
		assertThat(MfaEnforcement.enforced(" Production ", mfa(true, null))).isTrue();
		assertThat(MfaEnforcement.enforced("development", mfa(true, null))).isFalse();
		assertThat(MfaEnforcement.enforced("staging", mfa(true, true))).isTrue();
		assertThat(MfaEnforcement.enforced("production", mfa(true, false))).isFalse();
		assertThat(MfaEnforcement.enforced("production", mfa(false, null))).isFalse();
		assertThat(MfaEnforcement.enforced("development", mfa(false, true))).isFalse();
	}

	private static SecurityProperties.Mfa mfa(boolean required, Boolean enforce) {
		return new SecurityProperties.Mfa(required, enforce, java.time.Duration.ofMinutes(10));
	}

}
