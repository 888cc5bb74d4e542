package io.nexus.server.a2a;

import java.time.Instant;

import io.nexus.server.tasks.TaskId;
import org.jspecify.annotations.Nullable;

/**
 * A push notification config of a task, with its secrets decrypted.
 *
 * @param targetId its name in the webhook outbox ({@code apn_...})
 * @param taskId the task
 * @param id its id as the A2A client knows it
 * @param url where notifications are posted
 * @param token sent as {@code X-A2A-Notification-Token}, if any
 * @param authScheme the HTTP authentication scheme of the {@code Authorization} header,
 * if any
 * @param credentials the credentials of that header
 * @param createdBy who set it
 * @param createdAt when it was first set
 */
record A2aPushConfig(String targetId, TaskId taskId, String id, String url, @Nullable String token,
		@Nullable String authScheme, @Nullable String credentials, String createdBy, Instant createdAt) {

}
