package io.nexus.server.encryption;

import java.util.List;
import java.util.UUID;

import io.nexus.server.support.PostgresDatabase;
import io.nexus.server.support.TestServices;

/**
 * {@link KeyRotationIntegrationTests} on PostgreSQL, every context of a test in one
 * schema.
 */
@PostgresDatabase
class PostgresKeyRotationIntegrationTests extends KeyRotationIntegrationTests {

	@Override
	protected List<String> databaseArgs() {
		String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		String url = TestServices.postgresUrl();
		String separator = url.contains("?") ? "&" : "?";
		return List.of("--spring.datasource.url=" + url + separator + "currentSchema=" + schema,
				"--spring.datasource.username=" + TestServices.postgresUser(),
				"--spring.datasource.password=" + TestServices.postgresPassword(), "--spring.flyway.schemas=" + schema,
				"--spring.flyway.create-schemas=true");
	}

}
