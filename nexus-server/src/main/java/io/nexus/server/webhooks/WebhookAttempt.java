package io.nexus.server.webhooks;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One attempt at a webhook delivery, as its history records it.
 *
 * @param attempt its number, from 1
 * @param node the node that made it
 * @param at when
 * @param statusCode the receiver's status code, if it answered
 * @param durationMs how long it took, milliseconds
 * @param error why it failed
 */
public record WebhookAttempt(int attempt, String node, Instant at, @Nullable Integer statusCode, long durationMs,
		@Nullable String error) {

}
