package io.nexus.server.tasks;

import io.nexus.server.support.PostgresDatabase;

/**
 * Agents asking a person for input, on PostgreSQL.
 */
@PostgresDatabase
class PostgresInputRequestIntegrationTests extends InputRequestIntegrationTests {

}
