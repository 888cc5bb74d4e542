package io.nexus.server;

import io.nexus.server.support.PostgresDatabase;

/**
 * The seed's examples on PostgreSQL.
 */
@PostgresDatabase
class PostgresSeedApiIntegrationTests extends SeedApiIntegrationTests {

}
