package io.nexus.server.support;

import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a test context at the real PostgreSQL, in a schema of its own so that contexts
 * do not see each other's rows. Flyway creates and migrates the schema.
 */
class PostgresInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		String url = TestServices.postgresUrl();
		String separator = url.contains("?") ? "&" : "?";
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("nexusTestPostgres",
					Map.of("spring.datasource.url", url + separator + "currentSchema=" + schema,
							"spring.datasource.username", TestServices.postgresUser(), "spring.datasource.password",
							TestServices.postgresPassword(), "spring.flyway.schemas", schema,
							"spring.flyway.create-schemas", "true",
							// the suite caches one context per schema: small pools that
							// give idle connections back keep the total under
							// PostgreSQL's max_connections (100)
							"spring.datasource.hikari.maximum-pool-size", "6", "spring.datasource.hikari.minimum-idle",
							"0", "spring.datasource.hikari.idle-timeout", "10000")));
	}

}
