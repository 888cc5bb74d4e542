package io.nexus.server.security;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link AccountsKeysAndAgentsIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresAccountsKeysAndAgentsIntegrationTests extends AccountsKeysAndAgentsIntegrationTests {

}
