package io.nexus.server.dispatch;

import io.nexus.server.support.PostgresDatabase;

/**
 * The same tests on PostgreSQL.
 */
@PostgresDatabase
class PostgresChaosIntegrationTests extends ChaosIntegrationTests {

}
