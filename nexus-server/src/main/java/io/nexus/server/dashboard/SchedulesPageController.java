package io.nexus.server.dashboard;

import java.time.Instant;
import java.util.List;

import io.nexus.server.audit.AuditLog;
import io.nexus.server.schedules.Schedule;
import io.nexus.server.schedules.Schedules;
import io.nexus.server.shared.NexusException;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The Schedules page: every recurring schedule with its timing, zone, next fire times,
 * last run and state; admins pause and resume them here (the API creates and changes
 * them).
 */
@Controller
class SchedulesPageController {

	private final Schedules schedules;

	private final AuditLog audit;

	SchedulesPageController(Schedules schedules, AuditLog audit) {
		this.schedules = schedules;
		this.audit = audit;
	}

	@GetMapping("/schedules")
	String schedules(Model model) {
		List<Row> rows = this.schedules.list()
			.stream()
			.map((schedule) -> new Row(schedule, this.schedules.nextFireTimes(schedule)))
			.toList();
		model.addAttribute("page", "schedules");
		model.addAttribute("rows", rows);
		model.addAttribute("pausedCount", rows.stream().filter((row) -> row.schedule().paused()).count());
		return "dashboard/schedules";
	}

	@PostMapping("/schedules/{id}/pause")
	String pause(@PathVariable String id, RedirectAttributes flash) {
		try {
			Schedule schedule = this.schedules.pause(id);
			this.audit.record("schedule.paused", id, AuditLog.SUCCESS, schedule.name() + ", from the dashboard");
			flash.addFlashAttribute("notice", "Schedule " + schedule.name() + " paused.");
		}
		catch (NexusException ex) {
			flash.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/schedules";
	}

	@PostMapping("/schedules/{id}/resume")
	String resume(@PathVariable String id, RedirectAttributes flash) {
		try {
			Schedule schedule = this.schedules.resume(id);
			this.audit.record("schedule.resumed", id, AuditLog.SUCCESS, schedule.name() + ", from the dashboard");
			flash.addFlashAttribute("notice",
					"Schedule " + schedule.name() + " resumed; next fire at " + schedule.nextFireAt() + ".");
		}
		catch (NexusException ex) {
			flash.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/schedules";
	}

	/**
	 * A schedule and its next fire times.
	 *
	 * @param schedule the schedule
	 * @param next its next fire times
	 */
	public record Row(Schedule schedule, List<Instant> next) {

		public String timing() {
			return (this.schedule.cron() != null) ? this.schedule.cron()
					: "every " + this.schedule.intervalSeconds() + " s";
		}

	}

}
