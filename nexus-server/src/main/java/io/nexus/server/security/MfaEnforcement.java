package io.nexus.server.security;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Whether login enforces that admins use multi-factor authentication, and who must enrol
 * first. Enforcement is on when {@code nexus.security.mfa.required-for-admins} is true
 * and {@code nexus.security.mfa.enforce} is true, or unset with
 * {@code NEXUS_ENV=production}. An admin without MFA then gets only an enrolment token,
 * which the MFA setup and confirm endpoints accept and nothing else does.
 */
@Component
public class MfaEnforcement {

	/**
	 * The only authority of a caller presenting an enrolment token.
	 */
	public static final String ENROLMENT_AUTHORITY = "MFA_ENROLMENT";

	private final boolean enforced;

	private final MultiFactor mfa;

	MfaEnforcement(Environment environment, SecurityProperties properties, MultiFactor mfa) {
		this.enforced = enforced(environment.getProperty("nexus.env", "development"), properties.mfa());
		this.mfa = mfa;
	}

	static boolean enforced(String env, SecurityProperties.Mfa properties) {
		if (!properties.requiredForAdmins()) {
			return false;
		}
		Boolean enforce = properties.enforce();
		return (enforce != null) ? enforce : "production".equals(env.strip().toLowerCase(Locale.ROOT));
	}

	/**
	 * Whether login enforces MFA for admins.
	 * @return whether it is on
	 */
	public boolean enforced() {
		return this.enforced;
	}

	/**
	 * Whether a user must enrol in MFA before they get a session.
	 * @param username the user
	 * @param role their current role
	 * @return whether enforcement is on, the user is an admin and has no MFA
	 */
	public boolean mustEnrol(String username, Role role) {
		return this.enforced && role == Role.ADMIN && !this.mfa.isEnabled(username);
	}

	/**
	 * Whether a caller authenticated with an enrolment token (and so may only enrol).
	 * @param caller the caller
	 * @return whether it is an enrolment caller
	 */
	public static boolean isEnrolment(@Nullable Authentication caller) {
		return caller != null && caller.getAuthorities()
			.stream()
			.anyMatch((authority) -> ENROLMENT_AUTHORITY.equals(authority.getAuthority()));
	}

}
