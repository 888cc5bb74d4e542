package io.nexus.server.agents;

import io.nexus.server.support.PostgresDatabase;

/**
 * The same tests on PostgreSQL.
 */
@PostgresDatabase
class PostgresAgentSamplesIntegrationTests extends AgentSamplesIntegrationTests {

}
