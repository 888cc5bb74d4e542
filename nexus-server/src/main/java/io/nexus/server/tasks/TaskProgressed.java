package io.nexus.server.tasks;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The agent that runs a task reported progress, and it was stored (published inside the
 * transaction that stores it).
 *
 * @param taskId the task
 * @param progress percent done, if reported
 * @param message the progress note, if any
 * @param at when
 */
public record TaskProgressed(TaskId taskId, @Nullable Double progress, @Nullable String message, Instant at) {

}
