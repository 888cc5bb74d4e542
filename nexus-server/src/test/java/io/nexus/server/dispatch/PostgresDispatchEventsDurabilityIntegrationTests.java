package io.nexus.server.dispatch;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link DispatchEventsDurabilityIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresDispatchEventsDurabilityIntegrationTests extends DispatchEventsDurabilityIntegrationTests {

}
