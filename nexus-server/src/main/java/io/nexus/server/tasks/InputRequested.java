package io.nexus.server.tasks;

/**
 * An agent asked a person for input on a task, which now waits in {@code input_required}:
 * a notification for people (dashboard, later webhooks).
 *
 * @param question the question
 */
public record InputRequested(InputQuestion question) {

}
