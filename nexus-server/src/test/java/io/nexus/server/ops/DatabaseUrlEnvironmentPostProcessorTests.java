package io.nexus.server.ops;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code DATABASE_URL} in the seed's libpq form becomes data source settings.
 */
class DatabaseUrlEnvironmentPostProcessorTests {

	@Test
	void translatesTheSeedsForm() {
		Map<String, Object> properties = DatabaseUrlEnvironmentPostProcessor
			.translate("postgresql://user:pass@db.example:6543/nexus");
		assertThat(properties).containsEntry("spring.datasource.url", "jdbc:postgresql://db.example:6543/nexus")
			.containsEntry("spring.datasource.username", "user")
			.containsEntry("spring.datasource.password", "pass");
	}

	@Test
	void decodesEscapedCredentialsAndKeepsParameters() {
		Map<String, Object> properties = DatabaseUrlEnvironmentPostProcessor
			.translate("postgres://us%40er:p%3Ass@localhost/db?sslmode=require");
		assertThat(properties)
			.containsEntry("spring.datasource.url", "jdbc:postgresql://localhost:5432/db?sslmode=require")
			.containsEntry("spring.datasource.username", "us@er")
			.containsEntry("spring.datasource.password", "p:ss");
	}

	@Test
	void passesJdbcUrlsThrough() {
		assertThat(DatabaseUrlEnvironmentPostProcessor.translate("jdbc:postgresql://h/db"))
			.containsOnly(Map.entry("spring.datasource.url", "jdbc:postgresql://h/db"));
	}

	@Test
	void refusesOtherSchemes() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DatabaseUrlEnvironmentPostProcessor.translate("mysql://u:p@h/db"))
			.withMessageContaining("postgresql://");
	}

}
