package io.nexus.server.tasks;

/**
 * The outcome of one create request.
 *
 * @param task the task
 * @param created {@code false} when an idempotency key matched an earlier request and the
 * earlier task is returned
 */
public record CreatedTask(Task task, boolean created) {

}
