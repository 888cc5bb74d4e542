package io.nexus.server.tasks.web;

import io.nexus.server.shared.Limits;
import io.nexus.server.shared.PlainText;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The optional body of {@code POST /api/tasks/{id}/cancel}.
 *
 * @param reason why the task is cancelled
 */
record CancelTaskRequest(@Nullable @Size(max = Limits.MAX_REASON) @PlainText(multiline = true) String reason) {

}
