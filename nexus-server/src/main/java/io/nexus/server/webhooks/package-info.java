/**
 * Webhooks: subscriptions to events, the durable outbox written in the transaction of the
 * change that causes an event, and its signed delivery (Standard Webhooks) with retries
 * by a bounded pool of its own. Other modules publish through
 * {@link io.nexus.server.webhooks.WebhookEvents}.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "agents", "audit", "encryption", "ops", "shared", "tasks", "usage" })
package io.nexus.server.webhooks;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
