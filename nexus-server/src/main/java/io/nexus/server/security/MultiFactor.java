package io.nexus.server.security;

import java.io.Serial;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.persistence.MfaRepository;
import io.nexus.server.security.persistence.MfaRepository.Enrolment;
import io.nexus.server.shared.ConflictException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * TOTP multi-factor authentication: enrolment (a pending secret, confirmed with a first
 * code), one-time recovery codes, and the check login makes. Each TOTP code and each
 * recovery code works once. Secrets and codes are never logged or audited.
 */
@Service
public class MultiFactor {

	static final int RECOVERY_CODES = 10;

	private static final String ISSUER = "Nexus";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final MfaRepository repository;

	private final AuditLog audit;

	private final Clock clock;

	MultiFactor(MfaRepository repository, AuditLog audit, Clock clock) {
		this.repository = repository;
		this.audit = audit;
		this.clock = clock;
	}

	@Transactional(readOnly = true)
	public boolean isEnabled(String username) {
		return this.repository.find(username).map(Enrolment::enabled).orElse(false);
	}

	/**
	 * Starts (or restarts) enrolment with a new secret, pending until confirmed.
	 * @param username the user
	 * @return the secret and its {@code otpauth://} URI
	 * @throws ConflictException if MFA is already on
	 */
	@Transactional
	public Setup setup(String username) {
		if (isEnabled(username)) {
			throw new ConflictException("mfa_already_enabled",
					"Multi-factor authentication is already on; disable it first", Map.of());
		}
		String secret = Totp.newSecret();
		this.repository.savePending(username, secret, this.clock.instant());
		return setupOf(username, secret);
	}

	/**
	 * The enrolment a user has started and not confirmed yet, to show it again.
	 * @param username the user
	 * @return the pending secret and its URI, if there is one
	 */
	@Transactional(readOnly = true)
	public Optional<Setup> pending(String username) {
		return this.repository.find(username)
			.filter((enrolment) -> !enrolment.enabled())
			.map((enrolment) -> setupOf(username, enrolment.secret()));
	}

	private static Setup setupOf(String username, String secret) {
		String label = ISSUER + ":" + URLEncoder.encode(username, StandardCharsets.UTF_8).replace("+", "%20");
		String uri = "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + ISSUER + "&algorithm=SHA1&digits="
				+ Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
		return new Setup(secret, uri);
	}

	/**
	 * Turns MFA on when the code proves the user's authenticator has the pending secret.
	 * @param username the user
	 * @param code a current TOTP code
	 * @return the recovery codes, shown only now
	 */
	@Transactional(noRollbackFor = InvalidMfaCodeException.class)
	public List<String> confirm(String username, String code) {
		Enrolment enrolment = this.repository.find(username)
			.filter((candidate) -> !candidate.enabled())
			.orElseThrow(() -> new ConflictException("mfa_not_pending",
					"No pending enrolment: call POST /api/auth/mfa/setup first", Map.of()));
		if (!totpMatches(username, enrolment, code)) {
			// named: an admin enrolling on the login page has no session yet
			this.audit.recordAs(username, "mfa.enabled", username, AuditLog.FAILURE, "wrong one-time code");
			throw new InvalidMfaCodeException();
		}
		this.repository.enable(username, this.clock.instant());
		List<String> codes = new ArrayList<>();
		for (int i = 0; i < RECOVERY_CODES; i++) {
			String recovery = newRecoveryCode();
			codes.add(recovery);
			this.repository.insertRecoveryCode(username, SecretTokens.hash(recovery));
		}
		this.audit.recordAs(username, "mfa.enabled", username, AuditLog.SUCCESS, null);
		return codes;
	}

	/**
	 * Turns the caller's MFA off, with a TOTP or recovery code.
	 * @param username the user
	 * @param code the code
	 */
	@Transactional(noRollbackFor = InvalidMfaCodeException.class)
	public void disable(String username, String code) {
		if (!isEnabled(username)) {
			throw new ConflictException("mfa_not_enabled", "Multi-factor authentication is not on", Map.of());
		}
		if (!verify(username, code)) {
			this.audit.record("mfa.disabled", username, AuditLog.FAILURE, "wrong one-time code");
			throw new InvalidMfaCodeException();
		}
		this.repository.delete(username);
		this.audit.record("mfa.disabled", username, AuditLog.SUCCESS, null);
	}

	/**
	 * Removes a user's MFA (an admin's reset, e.g. for a lost authenticator).
	 * @param username the user
	 */
	@Transactional
	public void reset(String username) {
		this.repository.delete(username);
		this.audit.record("mfa.disabled", username, AuditLog.SUCCESS, "reset by an admin");
	}

	/**
	 * Checks a login's second factor: a TOTP code or an unused recovery code.
	 * @param username the user, whose MFA is on
	 * @param code the code, or {@code null}
	 * @return whether it is right (and now used)
	 */
	@Transactional
	public boolean verify(String username, @Nullable String code) {
		Enrolment enrolment = this.repository.find(username).filter(Enrolment::enabled).orElse(null);
		if (enrolment == null || code == null || code.isBlank()) {
			return false;
		}
		String typed = code.strip();
		if (totpMatches(username, enrolment, typed)) {
			return true;
		}
		if (this.repository.useRecoveryCode(username, SecretTokens.hash(normalizeRecovery(typed)),
				this.clock.instant())) {
			this.audit.recordAs(username, "mfa.recovery_code_used", username, AuditLog.SUCCESS, null);
			return true;
		}
		return false;
	}

	private boolean totpMatches(String username, Enrolment enrolment, String code) {
		long step = Totp.matchingStep(enrolment.secret(), code.strip(), this.clock.instant().getEpochSecond());
		return step >= 0 && step > enrolment.lastUsedStep() && this.repository.useStep(username, step);
	}

	private static String newRecoveryCode() {
		byte[] bytes = new byte[7];
		RANDOM.nextBytes(bytes);
		String text = Totp.base32Encode(bytes).substring(0, 10).toLowerCase(java.util.Locale.ROOT);
		return text.substring(0, 5) + "-" + text.substring(5);
	}

	private static String normalizeRecovery(String code) {
		String text = code.replace("-", "").toLowerCase(java.util.Locale.ROOT);
		return (text.length() == 10) ? text.substring(0, 5) + "-" + text.substring(5) : code;
	}

	/**
	 * The one-time code of a login, carried as the authentication request's details. The
	 * details stay with the login in the dashboard's stored session, but the code does
	 * not: it is serialized empty.
	 *
	 * @param value the code
	 */
	public record LoginCode(String value) implements Serializable {

		@Override
		public String toString() {
			return "LoginCode[<redacted>]";
		}

		@Serial
		private Object writeReplace() {
			return new LoginCode("");
		}

	}

	/**
	 * A started enrolment.
	 *
	 * @param secret the base32 secret, for manual entry
	 * @param otpauthUri the URI to show as a QR code
	 */
	public record Setup(String secret, String otpauthUri) {

		@Override
		public String toString() {
			return "Setup[<redacted>]";
		}

	}

}
