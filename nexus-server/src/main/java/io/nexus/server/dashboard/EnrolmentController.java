package io.nexus.server.dashboard;

import java.util.List;
import java.util.Optional;

import io.nexus.server.security.BrowserEnrolment;
import io.nexus.server.security.InvalidMfaCodeException;
import io.nexus.server.shared.ConflictException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The enrolment page of an admin who must use multi-factor authentication and has not set
 * it up: reached from the login page after the right password, with no dashboard session
 * until a first code is right. Then MFA is on, the recovery codes are shown once, and the
 * admin is logged in.
 */
@Controller
class EnrolmentController {

	static final String WRONG_CODE = "That code is not right. Enter the 6-digit code your authenticator app shows "
			+ "now for Nexus.";

	private final BrowserEnrolment enrolment;

	EnrolmentController(BrowserEnrolment enrolment) {
		this.enrolment = enrolment;
	}

	@GetMapping("/login/enrol")
	String page(HttpServletRequest request, @Nullable Authentication caller, Model model) {
		Optional<String> user = this.enrolment.pendingUser(request);
		if (user.isEmpty()) {
			return notPending(caller);
		}
		return show(request, user.get(), model, null);
	}

	@PostMapping("/login/enrol")
	String confirm(@RequestParam(name = "code", defaultValue = "") String code, HttpServletRequest request,
			HttpServletResponse response, @Nullable Authentication caller, Model model) {
		Optional<String> user = this.enrolment.pendingUser(request);
		if (user.isEmpty()) {
			return notPending(caller);
		}
		String typed = code.strip();
		if (!AccountController.plausibleCode(typed)) {
			return show(request, user.get(), model, WRONG_CODE);
		}
		try {
			List<String> codes = this.enrolment.confirmAndLogIn(request, response, user.get(), typed);
			model.addAttribute("recoveryCodes", codes);
			model.addAttribute("enrolUser", user.get());
			return "dashboard/enrol";
		}
		catch (InvalidMfaCodeException ex) {
			return show(request, user.get(), model, WRONG_CODE);
		}
		catch (ConflictException ex) {
			// the secret was replaced meanwhile (another tab, the API): show the new one
			return show(request, user.get(), model, "This secret was replaced; add the one shown now.");
		}
	}

	@PostMapping("/login/enrol/cancel")
	String cancel(HttpServletRequest request) {
		this.enrolment.cancel(request);
		return "redirect:/login";
	}

	private String show(HttpServletRequest request, String user, Model model, @Nullable String error) {
		model.addAttribute("enrolUser", user);
		model.addAttribute("setup", MfaSetupView.of(this.enrolment.setup(request, user)));
		model.addAttribute("error", error);
		return "dashboard/enrol";
	}

	private static String notPending(@Nullable Authentication caller) {
		boolean loggedIn = caller != null && caller.isAuthenticated()
				&& !(caller instanceof AnonymousAuthenticationToken);
		return loggedIn ? "redirect:/account" : "redirect:/login?expired";
	}

}
