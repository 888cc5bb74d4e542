package io.nexus.server.analytics;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link AnalyticsApiIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresAnalyticsApiIntegrationTests extends AnalyticsApiIntegrationTests {

}
