package io.nexus.server.security;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link DashboardSessionsIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresDashboardSessionsIntegrationTests extends DashboardSessionsIntegrationTests {

}
