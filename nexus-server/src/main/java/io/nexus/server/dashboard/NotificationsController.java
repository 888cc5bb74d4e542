package io.nexus.server.dashboard;

import io.nexus.server.notifications.Notification;
import io.nexus.server.notifications.Notifications;
import io.nexus.server.notifications.Reader;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
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
 * The Notifications page: what needs the signed-in person's attention (approvals,
 * questions of agents, budgets, quarantines), newest first, unread ones marked, with
 * links to the task, agent or usage page, and the buttons that mark them read. The same
 * rules as {@code /api/notifications}.
 */
@Controller
class NotificationsController {

	private static final int PAGE_SIZE = 50;

	private final Notifications notifications;

	NotificationsController(Notifications notifications) {
		this.notifications = notifications;
	}

	@GetMapping("/notifications")
	String list(@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false, defaultValue = "false") boolean unread, Authentication authentication,
			Model model) {
		Page<Notification> page = this.notifications.list(reader(authentication), PageRequest.of(PAGE_SIZE, cursor),
				unread);
		model.addAttribute("page", "notifications");
		model.addAttribute("items", page.items());
		model.addAttribute("nextCursor", page.nextCursor());
		model.addAttribute("unreadOnly", unread);
		return "dashboard/notifications";
	}

	@PostMapping("/notifications/{id}/read")
	String read(@PathVariable String id, Authentication authentication, RedirectAttributes flash) {
		return PageActions.run(flash, "Marked read.", () -> {
			this.notifications.markRead(reader(authentication), id);
			return "/notifications";
		}, "/notifications");
	}

	@PostMapping("/notifications/read-all")
	String readAll(Authentication authentication, RedirectAttributes flash) {
		return PageActions.run(flash, "All notifications marked read.", () -> {
			this.notifications.markAllRead(reader(authentication));
			return "/notifications";
		}, "/notifications");
	}

	private static Reader reader(Authentication authentication) {
		return new Reader(authentication.getName(), DashboardModel.role(authentication));
	}

}
