package io.nexus.server.dispatch;

import io.nexus.server.support.PostgresDatabase;

/**
 * The same tests on PostgreSQL, where dispatch rounds lock what they read.
 */
@PostgresDatabase
class PostgresEnrollmentScopeIntegrationTests extends EnrollmentScopeIntegrationTests {

}
