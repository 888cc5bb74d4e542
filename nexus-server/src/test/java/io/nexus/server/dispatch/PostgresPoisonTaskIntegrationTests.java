package io.nexus.server.dispatch;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link PoisonTaskIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresPoisonTaskIntegrationTests extends PoisonTaskIntegrationTests {

}
