package io.nexus.server.security;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New passwords are hashed with bcrypt at {@code nexus.security.password-hash-cost} (10
 * unless set), and a hash made at another cost still matches.
 */
class PasswordHashCostTests {

	private static final String PASSWORD = "correct horse battery";

	@Test
	void newHashesUseTheDefaultCostUnlessConfigured() {
		assertThat(encoder(Map.of()).encode(PASSWORD)).startsWith("{bcrypt}$2a$10$");
		assertThat(encoder(Map.of("nexus.security.password-hash-cost", "12")).encode(PASSWORD))
			.startsWith("{bcrypt}$2a$12$");
	}

	@Test
	void aHashMadeAtAnotherCostStillMatches() {
		PasswordEncoder cheap = encoder(Map.of("nexus.security.password-hash-cost", "4"));
		String stored = "{bcrypt}" + new BCryptPasswordEncoder(10).encode(PASSWORD);
		assertThat(cheap.matches(PASSWORD, stored)).isTrue();
		assertThat(cheap.matches("wrong horse battery", stored)).isFalse();
		// and one that another Spring Security algorithm made
		assertThat(cheap.matches(PASSWORD, "{noop}" + PASSWORD)).isTrue();
	}

	private static PasswordEncoder encoder(Map<String, String> settings) {
		SecurityProperties properties = new Binder(new MapConfigurationPropertySource(settings))
			.bindOrCreate("nexus.security", SecurityProperties.class);
		return new TokenConfiguration().passwordEncoder(properties);
	}

}
