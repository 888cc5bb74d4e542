package io.nexus.server.audit;

import io.nexus.server.support.PostgresDatabase;

/**
 * Audit append throughput on PostgreSQL.
 */
@PostgresDatabase
class PostgresAuditAppendBenchmark extends AuditAppendBenchmark {

}
