package io.nexus.server;

import io.nexus.server.support.PostgresDatabase;

/**
 * Hostile input to the agents, login and users APIs, on PostgreSQL.
 */
@PostgresDatabase
class PostgresHostileAgentAndAuthInputIntegrationTests extends HostileAgentAndAuthInputIntegrationTests {

}
