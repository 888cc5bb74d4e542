package io.nexus.server.audit;

import io.nexus.server.support.PostgresDatabase;

/**
 * The audit chain on PostgreSQL.
 */
@PostgresDatabase
class PostgresAuditChainIntegrationTests extends AuditChainIntegrationTests {

}
