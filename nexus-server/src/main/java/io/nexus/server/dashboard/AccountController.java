package io.nexus.server.dashboard;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.security.BrowserEnrolment;
import io.nexus.server.security.InvalidMfaCodeException;
import io.nexus.server.security.MfaEnforcement;
import io.nexus.server.security.MultiFactor;
import io.nexus.server.security.Role;
import io.nexus.server.security.Sessions;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A user's own account: their role, two-factor authentication (turn it on with the same
 * setup as the enrolment page, or off with a code), and their API sessions. Every
 * logged-in user has one, viewers included.
 */
@Controller
class AccountController {

	private final MultiFactor mfa;

	private final MfaEnforcement enforcement;

	private final BrowserEnrolment enrolment;

	private final Sessions sessions;

	private final AuditLog audit;

	AccountController(MultiFactor mfa, MfaEnforcement enforcement, BrowserEnrolment enrolment, Sessions sessions,
			AuditLog audit) {
		this.mfa = mfa;
		this.enforcement = enforcement;
		this.enrolment = enrolment;
		this.sessions = sessions;
		this.audit = audit;
	}

	@GetMapping("/account")
	String account(Authentication caller, Model model) {
		model.addAttribute("page", "account");
		model.addAttribute("mfaOn", this.mfa.isEnabled(caller.getName()));
		model.addAttribute("mfaRequired", mfaRequired(caller));
		model.addAttribute("sessions", this.sessions.live(caller.getName()));
		return "dashboard/account";
	}

	@GetMapping("/account/mfa")
	String setup(Authentication caller, HttpServletRequest request, Model model) {
		if (this.mfa.isEnabled(caller.getName())) {
			return "redirect:/account";
		}
		return show(caller, request, model, null);
	}

	@PostMapping("/account/mfa/confirm")
	String confirm(@RequestParam(name = "code", defaultValue = "") String code, Authentication caller,
			HttpServletRequest request, Model model) {
		if (this.mfa.isEnabled(caller.getName())) {
			return "redirect:/account";
		}
		String typed = code.strip();
		if (!plausibleCode(typed)) {
			return show(caller, request, model, EnrolmentController.WRONG_CODE);
		}
		try {
			model.addAttribute("page", "account");
			model.addAttribute("recoveryCodes", this.enrolment.confirm(request, caller.getName(), typed));
			return "dashboard/account-mfa";
		}
		catch (InvalidMfaCodeException ex) {
			return show(caller, request, model, EnrolmentController.WRONG_CODE);
		}
		catch (ConflictException ex) {
			return show(caller, request, model, "This secret was replaced; add the one shown now.");
		}
	}

	@PostMapping("/account/mfa/disable")
	String disable(@RequestParam(name = "code", defaultValue = "") String code, Authentication caller,
			RedirectAttributes flash) {
		if (mfaRequired(caller)) {
			flash.addFlashAttribute("error",
					"Admins must use two-factor authentication here; it cannot be turned off.");
			return "redirect:/account";
		}
		String typed = code.strip();
		try {
			if (!plausibleCode(typed)) {
				throw new InvalidMfaCodeException();
			}
			this.mfa.disable(caller.getName(), typed);
			flash.addFlashAttribute("notice", "Two-factor authentication is off.");
		}
		catch (InvalidMfaCodeException ex) {
			flash.addFlashAttribute("error", "That code is not right: two-factor authentication is still on.");
		}
		catch (ConflictException ex) {
			flash.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/account";
	}

	@PostMapping("/account/sessions/{id}/end")
	String endSession(@PathVariable String id, Authentication caller, RedirectAttributes flash) {
		try {
			this.sessions.revokeOwn(caller.getName(), id);
			this.audit.record("auth.session_revoked", id, AuditLog.SUCCESS, null);
			flash.addFlashAttribute("notice", "Session ended.");
		}
		catch (NotFoundException ex) {
			flash.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/account";
	}

	private String show(Authentication caller, HttpServletRequest request, Model model, @Nullable String error) {
		model.addAttribute("page", "account");
		model.addAttribute("setup", MfaSetupView.of(this.enrolment.setup(request, caller.getName())));
		model.addAttribute("error", error);
		return "dashboard/account-mfa";
	}

	private boolean mfaRequired(Authentication caller) {
		return this.enforcement.enforced() && caller.getAuthorities()
			.stream()
			.anyMatch((authority) -> Role.ADMIN.authority().equals(authority.getAuthority()));
	}

	/**
	 * Whether what was typed could be a code at all (a TOTP code or a recovery code), so
	 * that nothing longer reaches the checks.
	 */
	static boolean plausibleCode(@Nullable String code) {
		return code != null && !code.isEmpty() && code.length() <= 64;
	}

}
