package io.nexus.server.tasks;

/**
 * Nobody answered an agent's question within its input timeout; the task ended the wait
 * through its failure policy (retried or failed, reason {@code input_timeout}).
 *
 * @param question the question
 */
public record InputExpired(InputQuestion question) {

}
