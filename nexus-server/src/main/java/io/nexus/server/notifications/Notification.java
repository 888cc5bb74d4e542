package io.nexus.server.notifications;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Something a person should look at, as one reader sees it.
 *
 * @param id its id ({@code ntf_...})
 * @param seq its place in the order of notifications (the cursor)
 * @param kind what it is about
 * @param title one line
 * @param detail more, in words
 * @param taskId the task it is about, or {@code null}
 * @param agentId the agent it is about, or {@code null}
 * @param budgetId the budget it is about, or {@code null}
 * @param createdAt when
 * @param read whether the reader has read it
 */
public record Notification(String id, long seq, NotificationKind kind, String title, String detail,
		@Nullable String taskId, @Nullable String agentId, @Nullable String budgetId, Instant createdAt, boolean read) {

}
