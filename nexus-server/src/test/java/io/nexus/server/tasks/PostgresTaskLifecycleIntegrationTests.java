package io.nexus.server.tasks;

import io.nexus.server.support.PostgresDatabase;

/**
 * The task lifecycle on PostgreSQL.
 */
@PostgresDatabase
class PostgresTaskLifecycleIntegrationTests extends TaskLifecycleIntegrationTests {

}
