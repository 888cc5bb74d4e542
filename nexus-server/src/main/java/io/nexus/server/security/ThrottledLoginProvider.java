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
 * addresses, counts failures, and writes every attempt to the audit trail.
 */
class ThrottledLoginProvider implements AuthenticationProvider {

	private final AuthenticationProvider passwords;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	private final MultiFactor mfa;

	ThrottledLoginProvider(AuthenticationProvider passwords, LoginThrottle throttle, AuditLog audit, MultiFactor mfa) {
		this.passwords = passwords;
		this.throttle = throttle;
		this.audit = audit;
		this.mfa = mfa;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
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
			this.throttle.failed(username, address);
			this.audit.recordAs(username, "auth.login", username, AuditLog.FAILURE,
					(ex instanceof DisabledException) ? "user disabled" : "wrong user name or password");
			throw ex;
		}
		checkSecondFactor(result.getName(), authentication.getDetails(), address);
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

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
