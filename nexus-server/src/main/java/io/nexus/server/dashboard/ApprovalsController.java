package io.nexus.server.dashboard;

import io.nexus.server.governance.Approvals;
import io.nexus.server.governance.Approvals.Caller;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.nexus.server.tasks.TaskId;
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
 * The Approvals inbox: the tasks that await the signed-in person's approval, with their
 * payload, the policy that required the approval and its history, and the approve and
 * reject buttons (a comment, and a one-time code for people with MFA). The same rules as
 * {@code POST /api/tasks/{id}/approve}, whatever the page shows.
 */
@Controller
class ApprovalsController {

	private static final int PAGE_SIZE = 50;

	private final Approvals approvals;

	ApprovalsController(Approvals approvals) {
		this.approvals = approvals;
	}

	@GetMapping("/approvals")
	String inbox(@RequestParam(required = false) @Nullable String cursor, Authentication authentication, Model model) {
		Page<Approvals.Awaiting> page = this.approvals.awaiting(caller(authentication),
				PageRequest.of(PAGE_SIZE, cursor));
		model.addAttribute("page", "approvals");
		model.addAttribute("items", page.items());
		model.addAttribute("nextCursor", page.nextCursor());
		return "dashboard/approvals";
	}

	@PostMapping("/approvals/{id}/approve")
	String approve(@PathVariable String id, @RequestParam(required = false) @Nullable String comment,
			@RequestParam(name = "mfa_code", required = false) @Nullable String mfaCode, Authentication authentication,
			RedirectAttributes flash) {
		return PageActions.run(flash, "Approved " + id + ".", () -> {
			this.approvals.approve(new TaskId(id), caller(authentication), blankToNull(comment), blankToNull(mfaCode));
			return "/approvals";
		}, "/approvals");
	}

	@PostMapping("/approvals/{id}/reject")
	String reject(@PathVariable String id, @RequestParam(required = false) @Nullable String comment,
			@RequestParam(name = "mfa_code", required = false) @Nullable String mfaCode, Authentication authentication,
			RedirectAttributes flash) {
		return PageActions.run(flash, "Rejected " + id + "; it is cancelled.", () -> {
			this.approvals.reject(new TaskId(id), caller(authentication), blankToNull(comment), blankToNull(mfaCode));
			return "/approvals";
		}, "/approvals");
	}

	static Caller caller(Authentication authentication) {
		return new Caller(authentication.getName(), DashboardModel.role(authentication));
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		// the page's fields are bounded like the API's
		String stripped = value.strip();
		if (stripped.length() > 1_000) {
			throw new IllegalArgumentException("A comment has at most 1000 characters");
		}
		return stripped;
	}

}
