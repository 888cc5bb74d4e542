package io.nexus.server.dashboard;

import java.security.Principal;

import io.nexus.server.agents.AgentId;
import io.nexus.server.audit.AuditLog;
import io.nexus.server.governance.AgentBreaker;
import io.nexus.server.governance.FleetStops;
import io.nexus.server.shared.Limits;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The Resume button of the emergency-stop banner that every page shows (admins only);
 * stopping is done through {@code POST /api/fleet/stop}, which takes the admin's second
 * factor. Also quarantine and release of one agent, from its page (operators).
 */
@Controller
class FleetPagesController {

	private final FleetStops stops;

	private final AgentBreaker breaker;

	private final AuditLog audit;

	FleetPagesController(FleetStops stops, AgentBreaker breaker, AuditLog audit) {
		this.stops = stops;
		this.breaker = breaker;
		this.audit = audit;
	}

	@PostMapping("/agents/{id}/quarantine")
	String quarantine(@PathVariable String id, @RequestParam(required = false) @Nullable String reason,
			Principal principal, RedirectAttributes flash) {
		String back = "/agents/" + id;
		if (reason == null || reason.isBlank() || reason.length() > Limits.MAX_REASON) {
			flash.addFlashAttribute("error", "Give a reason of at most " + Limits.MAX_REASON + " characters.");
			return "redirect:" + back;
		}
		return PageActions.run(flash, "Agent quarantined: it gets no new work until released.", () -> {
			this.breaker.quarantine(new AgentId(id), reason.strip(), principal.getName());
			return back;
		}, back);
	}

	@PostMapping("/agents/{id}/release")
	String release(@PathVariable String id, Principal principal, RedirectAttributes flash) {
		String back = "/agents/" + id;
		return PageActions.run(flash, "Agent released: it takes work again.", () -> {
			this.breaker.release(new AgentId(id), principal.getName());
			return back;
		}, back);
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
