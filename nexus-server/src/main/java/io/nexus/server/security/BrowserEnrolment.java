package io.nexus.server.security;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.persistence.UserRepository;
import io.nexus.server.shared.ConflictException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.CompositeSessionAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfAuthenticationStrategy;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.stereotype.Component;

/**
 * Multi-factor enrolment in the browser. While MFA is enforced for admins, an admin
 * without it who gives the right password on the login page gets no dashboard session:
 * the HTTP session only remembers, for as long as an enrolment token lives
 * ({@code nexus.security.mfa.enrolment-token-ttl}), that this user may enrol. The
 * enrolment page shows them a secret; a right first code turns MFA on and logs them in,
 * since the password was checked moments before and the code proves the authenticator.
 * Also keeps the secret a page shows the same across reloads of that page, and only for
 * the browser session that asked for it.
 */
@Component
public class BrowserEnrolment {

	static final String PENDING = BrowserEnrolment.class.getName() + ".PENDING";

	static final String SHOWN = BrowserEnrolment.class.getName() + ".SHOWN";

	private final MultiFactor mfa;

	private final MfaEnforcement enforcement;

	private final UserRepository users;

	private final UserAccounts accounts;

	private final AuditLog audit;

	private final SecurityProperties properties;

	private final Clock clock;

	private final SecurityContextHolderStrategy contextHolder = SecurityContextHolder.getContextHolderStrategy();

	private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

	// what form login does on success: a new session id, a new CSRF token
	private final SessionAuthenticationStrategy loginSession = new CompositeSessionAuthenticationStrategy(
			List.of(new ChangeSessionIdAuthenticationStrategy(),
					new CsrfAuthenticationStrategy(new HttpSessionCsrfTokenRepository())));

	BrowserEnrolment(MultiFactor mfa, MfaEnforcement enforcement, UserRepository users, UserAccounts accounts,
			AuditLog audit, SecurityProperties properties, Clock clock) {
		this.mfa = mfa;
		this.enforcement = enforcement;
		this.users = users;
		this.accounts = accounts;
		this.audit = audit;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Remembers, in a fresh HTTP session id, that a user whose password was right must
	 * enrol; whoever was logged in in this browser before is not any more.
	 * @param request the login request
	 * @param username the user, as stored
	 */
	void begin(HttpServletRequest request, String username) {
		HttpSession session = request.getSession();
		request.changeSessionId();
		session.removeAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
		session.removeAttribute(SHOWN);
		Instant expiresAt = this.clock.instant().plus(this.properties.mfa().enrolmentTokenTtl());
		session.setAttribute(PENDING, new Pending(username, expiresAt));
	}

	/**
	 * Whether this browser has an unexpired enrolment under way; cheap enough for every
	 * request that needs a login.
	 * @param request the request
	 * @return whether there is one
	 */
	boolean isPending(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		return session != null && session.getAttribute(PENDING) instanceof Pending pending
				&& pending.expiresAt().isAfter(this.clock.instant());
	}

	/**
	 * The user who may enrol in this browser: the enrolment has not expired, and the user
	 * is still enabled and still has to enrol. Anything else ends it.
	 * @param request the request
	 * @return the user name, if there is a live enrolment
	 */
	public Optional<String> pendingUser(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session == null || !(session.getAttribute(PENDING) instanceof Pending pending)) {
			return Optional.empty();
		}
		boolean live = pending.expiresAt().isAfter(this.clock.instant())
				&& this.users.findCredentials(pending.username())
					.filter(UserRepository.Credentials::enabled)
					.filter((user) -> this.enforcement.mustEnrol(user.username(), user.role()))
					.isPresent();
		if (!live) {
			session.removeAttribute(PENDING);
			session.removeAttribute(SHOWN);
			return Optional.empty();
		}
		return Optional.of(pending.username());
	}

	/**
	 * Ends the enrolment under way in this browser, if any.
	 * @param request the request
	 */
	public void cancel(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.removeAttribute(PENDING);
			session.removeAttribute(SHOWN);
		}
	}

	/**
	 * The secret to show a user: the one this browser session was shown already while it
	 * is still pending, else a new one (which replaces any other pending secret, so that
	 * nobody else's can be confirmed by mistake).
	 * @param request the request
	 * @param username the user
	 * @return the secret and its URI
	 * @throws ConflictException if the user's MFA is already on
	 */
	public MultiFactor.Setup setup(HttpServletRequest request, String username) {
		HttpSession session = request.getSession();
		if (session.getAttribute(SHOWN) instanceof Shown shown && shown.username().equals(username)) {
			Optional<MultiFactor.Setup> same = this.mfa.pending(username)
				.filter((setup) -> SecretTokens.hash(setup.secret()).equals(shown.secretHash()));
			if (same.isPresent()) {
				return same.get();
			}
		}
		MultiFactor.Setup setup = this.mfa.setup(username);
		session.setAttribute(SHOWN, new Shown(username, SecretTokens.hash(setup.secret())));
		return setup;
	}

	/**
	 * Turns a logged-in user's MFA on with a first code.
	 * @param request the request
	 * @param username the user
	 * @param code the code
	 * @return the recovery codes, shown only now
	 * @throws InvalidMfaCodeException if the code is wrong (audited)
	 * @throws ConflictException if no enrolment is pending
	 */
	public List<String> confirm(HttpServletRequest request, String username, String code) {
		List<String> codes = this.mfa.confirm(username, code);
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.removeAttribute(SHOWN);
		}
		return codes;
	}

	/**
	 * Turns MFA on for the user enrolling in this browser and logs them in.
	 * @param request the request
	 * @param response the response
	 * @param username the user, from {@link #pendingUser}
	 * @param code the first code
	 * @return the recovery codes, shown only now
	 * @throws InvalidMfaCodeException if the code is wrong (audited)
	 * @throws ConflictException if no enrolment is pending
	 */
	public List<String> confirmAndLogIn(HttpServletRequest request, HttpServletResponse response, String username,
			String code) {
		List<String> codes = confirm(request, username, code);
		cancel(request);
		UserDetails user = this.accounts.loadUserByUsername(username);
		Authentication authentication = UsernamePasswordAuthenticationToken.authenticated(user, null,
				user.getAuthorities());
		this.loginSession.onAuthentication(authentication, request, response);
		SecurityContext context = this.contextHolder.createEmptyContext();
		context.setAuthentication(authentication);
		this.contextHolder.setContext(context);
		this.contexts.saveContext(context, request, response);
		this.audit.recordAs(username, "auth.login", username, AuditLog.SUCCESS,
				"after multi-factor enrolment on the login page");
		return codes;
	}

	/**
	 * An enrolment under way: who, and until when.
	 *
	 * @param username the user
	 * @param expiresAt when it ends
	 */
	record Pending(String username, Instant expiresAt) implements Serializable {

	}

	/**
	 * The secret a browser session was shown, by its hash.
	 *
	 * @param username the user
	 * @param secretHash the hash of the secret
	 */
	record Shown(String username, String secretHash) implements Serializable {

	}

}
