package io.nexus.server.tasks;

import io.nexus.server.support.PostgresDatabase;

/**
 * Racing writers on PostgreSQL.
 */
@PostgresDatabase
class PostgresTaskConcurrencyIntegrationTests extends TaskConcurrencyIntegrationTests {

}
