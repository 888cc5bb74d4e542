package io.nexus.server.security;

import java.time.Duration;
import java.util.Optional;

import io.nexus.server.audit.AuditLog;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Password login, for the API and the login page alike: refuses locked-out names and
 * addresses, counts failures, checks the second factor, refuses admins without MFA while
 * it is enforced (with an enrolment token instead of a session), and writes every attempt
 * to the audit trail. A database failure is an
 * {@link AuthenticationUnavailableException}, not a wrong password.
 */
class ThrottledLoginProvider implements AuthenticationProvider {

	private final AuthenticationProvider passwords;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	private final MultiFactor mfa;

	private final MfaEnforcement enforcement;

	private final AccessTokens tokens;

	ThrottledLoginProvider(AuthenticationProvider passwords, LoginThrottle throttle, AuditLog audit, MultiFactor mfa,
			MfaEnforcement enforcement, AccessTokens tokens) {
		this.passwords = passwords;
		this.throttle = throttle;
		this.audit = audit;
		this.mfa = mfa;
		this.enforcement = enforcement;
		this.tokens = tokens;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		try {
			return check(authentication);
		}
		catch (AuthenticationUnavailableException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			if (AuthenticationUnavailableException.causedByDataAccess(ex)) {
				throw new AuthenticationUnavailableException(ex);
			}
			throw ex;
		}
	}

	private Authentication check(Authentication authentication) {
		String username = String.valueOf(authentication.getName());
		@Nullable String address = AuditLog.currentAddress();
		Optional<Duration> locked = this.throttle.lockedFor(username, address);
		if (locked.isPresent()) {
			this.audit.recordAs(username, "auth.login", username, AuditLog.DENIED, "locked out after failed logins");
			throw new LoginLockedException(locked.get());
		}
		Authentication result;
		try {
			result = this.passwords.authenticate(authentication);
		}
		catch (AuthenticationException ex) {
			if (AuthenticationUnavailableException.causedByDataAccess(ex)) {
				// the database failed, not the caller: no failed attempt to count
				throw new AuthenticationUnavailableException(ex);
			}
			this.throttle.failed(username, address);
			this.audit.recordAs(username, "auth.login", username, AuditLog.FAILURE,
					(ex instanceof DisabledException) ? "user disabled" : "wrong user name or password");
			throw ex;
		}
		checkSecondFactor(result.getName(), authentication.getDetails(), address);
		checkEnrolment(result);
		this.throttle.succeeded(username);
		this.audit.recordAs(username, "auth.login", username, AuditLog.SUCCESS, null);
		return result;
	}

	/**
	 * For a user with MFA on, requires a right one-time code; a wrong one counts as a
	 * failed login.
	 */
	private void checkSecondFactor(String username, @Nullable Object details, @Nullable String address) {
		if (!this.mfa.isEnabled(username)) {
			return;
		}
		String code = (details instanceof MultiFactor.LoginCode login) ? login.value() : null;
		if (code == null || code.isBlank()) {
			this.audit.recordAs(username, "auth.login", username, AuditLog.DENIED, "one-time code required");
			throw new MfaRequiredException();
		}
		if (!this.mfa.verify(username, code)) {
			this.throttle.failed(username, address);
			this.audit.recordAs(username, "auth.login", username, AuditLog.FAILURE, "wrong one-time code");
			throw new InvalidMfaCodeException();
		}
	}

	/**
	 * While MFA is enforced for admins, an admin without it gets an enrolment token, no
	 * session.
	 */
	private void checkEnrolment(Authentication user) {
		Role role = roleOf(user);
		if (this.enforcement.mustEnrol(user.getName(), role)) {
			this.audit.recordAs(user.getName(), "auth.login", user.getName(), AuditLog.FAILURE,
					"multi-factor enrolment required: an admin without MFA got an enrolment token only");
			throw new MfaEnrolmentRequiredException(this.tokens.issueEnrolment(user.getName()), user.getName());
		}
	}

	/**
	 * The role of an authenticated user, from its {@code ROLE_} authority.
	 * @param user the user
	 * @return the role, {@link Role#VIEWER} if none is known
	 */
	static Role roleOf(Authentication user) {
		return user.getAuthorities()
			.stream()
			.map((authority) -> authority.getAuthority())
			.filter((authority) -> authority != null && authority.startsWith("ROLE_"))
			.map((authority) -> Role.fromWireName(authority.substring(5).toLowerCase(java.util.Locale.ROOT)))
			.findFirst()
			.orElse(Role.VIEWER);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
