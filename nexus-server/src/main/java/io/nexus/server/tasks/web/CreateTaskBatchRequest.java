package io.nexus.server.tasks.web;

import java.util.List;

import io.nexus.server.shared.Limits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/tasks/batch}: up to 1,000 tasks, created all together or
 * not at all.
 *
 * @param tasks the tasks
 */
record CreateTaskBatchRequest(@NotEmpty @Size(max = Limits.MAX_BATCH) List<@NotNull @Valid CreateTaskRequest> tasks) {

}
