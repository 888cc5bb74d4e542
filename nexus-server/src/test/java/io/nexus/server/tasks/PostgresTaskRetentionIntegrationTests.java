package io.nexus.server.tasks;

import io.nexus.server.support.PostgresDatabase;

/**
 * The same tests on PostgreSQL, where a round skips the rows another node is deleting.
 */
@PostgresDatabase
class PostgresTaskRetentionIntegrationTests extends TaskRetentionIntegrationTests {

}
