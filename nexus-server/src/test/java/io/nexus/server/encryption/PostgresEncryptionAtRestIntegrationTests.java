package io.nexus.server.encryption;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link EncryptionAtRestIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresEncryptionAtRestIntegrationTests extends EncryptionAtRestIntegrationTests {

}
