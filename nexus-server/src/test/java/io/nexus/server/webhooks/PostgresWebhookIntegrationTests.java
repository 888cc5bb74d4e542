package io.nexus.server.webhooks;

import io.nexus.server.support.PostgresDatabase;

/**
 * The same tests on PostgreSQL, where claims skip rows that the other claimer has locked
 * ({@code FOR UPDATE SKIP LOCKED}).
 */
@PostgresDatabase
class PostgresWebhookIntegrationTests extends WebhookIntegrationTests {

}
