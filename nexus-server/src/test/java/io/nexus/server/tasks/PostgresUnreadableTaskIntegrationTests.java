package io.nexus.server.tasks;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link UnreadableTaskIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresUnreadableTaskIntegrationTests extends UnreadableTaskIntegrationTests {

}
