package io.nexus.server.dashboard;

import java.security.Principal;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.governance.FleetStops;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The Resume button of the emergency-stop banner that every page shows (admins only);
 * stopping is done through {@code POST /api/fleet/stop}, which takes the admin's second
 * factor.
 */
@Controller
class FleetPagesController {

	private final FleetStops stops;

	private final AuditLog audit;

	FleetPagesController(FleetStops stops, AuditLog audit) {
		this.stops = stops;
		this.audit = audit;
	}

	@PostMapping("/fleet/resume")
	String resume(@RequestParam(required = false) @Nullable String id,
			@RequestParam(required = false) @Nullable String next, Authentication authentication, Principal principal,
			RedirectAttributes flash) {
		String back = PageActions.next(next, "/");
		if (!"admin".equals(DashboardModel.role(authentication))) {
			flash.addFlashAttribute("error", "Only an admin can resume the fleet.");
			return "redirect:" + back;
		}
		return PageActions.run(flash, "Emergency stop ended: dispatch resumes on every node.", () -> {
			this.stops.resume((id != null && !id.isBlank()) ? id : null, principal.getName())
				.forEach((stop) -> this.audit.record("fleet.resumed", stop.id(), AuditLog.SUCCESS,
						"from the dashboard"));
			return back;
		}, back);
	}

}
