package io.nexus.server.dashboard;

import io.nexus.server.tasks.Task;

/**
 * A task that is not running yet, with how long and why it has been waiting.
 *
 * @param task the task
 * @param waited how long, in words
 * @param reason why
 */
record WaitingTask(Task task, String waited, String reason) {

}
