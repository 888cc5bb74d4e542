package io.nexus.server.security;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link SessionsAndAuditIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresSessionsAndAuditIntegrationTests extends SessionsAndAuditIntegrationTests {

}
