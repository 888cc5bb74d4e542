package io.nexus.server;

import io.nexus.server.support.PostgresDatabase;

/**
 * Hostile input to the tasks API, on PostgreSQL.
 */
@PostgresDatabase
class PostgresHostileTaskInputIntegrationTests extends HostileTaskInputIntegrationTests {

}
