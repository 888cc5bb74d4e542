package io.nexus.server.usage;

import io.nexus.server.support.PostgresDatabase;

/**
 * The same tests on PostgreSQL, where concurrent charges really run at once.
 */
@PostgresDatabase
class PostgresUsageIntegrationTests extends UsageIntegrationTests {

}
