package io.nexus.server.governance;

import io.nexus.server.support.PostgresDatabase;

/**
 * The same tests on PostgreSQL.
 */
@PostgresDatabase
class PostgresApprovalIntegrationTests extends ApprovalIntegrationTests {

}
