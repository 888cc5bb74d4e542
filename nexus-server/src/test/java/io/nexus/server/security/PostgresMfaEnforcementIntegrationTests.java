package io.nexus.server.security;

import io.nexus.server.support.PostgresDatabase;

/**
 * {@link MfaEnforcementIntegrationTests} on PostgreSQL.
 */
@PostgresDatabase
class PostgresMfaEnforcementIntegrationTests extends MfaEnforcementIntegrationTests {

}
