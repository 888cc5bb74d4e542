package io.nexus.server.notifications.web;

import java.time.Instant;
import java.util.List;

import io.nexus.server.notifications.Notification;
import io.nexus.server.notifications.Notifications;
import io.nexus.server.notifications.Reader;
import io.nexus.server.security.Role;
import io.nexus.server.shared.Page;
import io.nexus.server.shared.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's notifications: list them, mark one or all read. Every role may call; each
 * person sees only the notifications meant for them (with an API key: its owner).
 */
@RestController
@Tag(name = "Notifications",
		description = "What needs a person's attention: approvals, questions, budgets, quarantines")
class NotificationController {

	private final Notifications notifications;

	NotificationController(Notifications notifications) {
		this.notifications = notifications;
	}

	@GetMapping("/api/notifications")
	@Operation(summary = "The caller's notifications, newest first, with the number unread",
			description = "Approval requests go to the task's current approvers except its creator; questions of "
					+ "agents, budgets at 80 % or spent and quarantined agents go to operators and admins. "
					+ "unread=true lists only those the caller has not read.")
	NotificationPage list(@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false, defaultValue = "false") boolean unread, Authentication caller) {
		Reader reader = readerOf(caller);
		Page<Notification> page = this.notifications.list(reader, PageRequest.of(limit, cursor), unread);
		return new NotificationPage(page.items().stream().map(NotificationResponse::of).toList(), page.nextCursor(),
				this.notifications.unread(reader));
	}

	@PostMapping("/api/notifications/{id}/read")
	@Operation(summary = "Mark one of the caller's notifications read (again: no change)",
			description = "404 notification_not_found for an id that does not exist or is not meant for the caller.")
	NotificationResponse read(@PathVariable String id, Authentication caller) {
		return NotificationResponse.of(this.notifications.markRead(readerOf(caller), id));
	}

	@PostMapping("/api/notifications/read-all")
	@Operation(summary = "Mark every notification of the caller read")
	Marked readAll(Authentication caller) {
		Reader reader = readerOf(caller);
		return new Marked(this.notifications.markAllRead(reader), this.notifications.unread(reader));
	}

	private static Reader readerOf(Authentication authentication) {
		return new Reader(authentication.getName(),
				Role.of(authentication.getAuthorities()).map(Role::wireName).orElse(""));
	}

	/**
	 * A page of notifications.
	 *
	 * @param items newest first
	 * @param nextCursor where the next page starts, or {@code null}
	 * @param unreadCount how many of all the caller's notifications are unread
	 */
	record NotificationPage(List<NotificationResponse> items, @Nullable String nextCursor, long unreadCount) {

	}

	/**
	 * What mark-all did.
	 *
	 * @param marked how many were unread
	 * @param unreadCount unread now (those that arrived meanwhile)
	 */
	record Marked(int marked, long unreadCount) {

	}

	/**
	 * One notification.
	 *
	 * @param id its id
	 * @param kind approval_requested, input_requested, budget_warning, budget_spent or
	 * agent_quarantined
	 * @param title one line
	 * @param detail more
	 * @param taskId the task it is about, or {@code null}
	 * @param agentId the agent it is about, or {@code null}
	 * @param budgetId the budget it is about, or {@code null}
	 * @param createdAt when
	 * @param read whether the caller read it
	 */
	record NotificationResponse(String id, String kind, String title, String detail, @Nullable String taskId,
			@Nullable String agentId, @Nullable String budgetId, Instant createdAt, boolean read) {

		static NotificationResponse of(Notification notification) {
			return new NotificationResponse(notification.id(), notification.kind().wireName(), notification.title(),
					notification.detail(), notification.taskId(), notification.agentId(), notification.budgetId(),
					notification.createdAt(), notification.read());
		}

	}

}
