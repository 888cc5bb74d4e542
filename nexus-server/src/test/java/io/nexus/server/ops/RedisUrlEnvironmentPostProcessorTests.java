package io.nexus.server.ops;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RedisUrlEnvironmentPostProcessorTests {

	private final MockEnvironment environment = new MockEnvironment();

	private void postProcess() {
		new RedisUrlEnvironmentPostProcessor().postProcessEnvironment(this.environment, new SpringApplication());
	}

	private String excluded() {
		return this.environment.getProperty("spring.autoconfigure.exclude");
	}

	@Test
	void withoutRedisUrlBootMakesNoRedisConnection() {
		postProcess();
		assertThat(this.environment.getProperty(RedisUrlEnvironmentPostProcessor.URL)).isNull();
		assertThat(excluded()).contains(RedisUrlEnvironmentPostProcessor.CONNECTION)
			.contains(RedisUrlEnvironmentPostProcessor.ALWAYS_EXCLUDED);
	}

	@Test
	void redisUrlBecomesTheConnectionUrl() {
		this.environment.setProperty("REDIS_URL", " rediss://user:secret@redis.example:6380/2 ");
		postProcess();
		assertThat(this.environment.getProperty(RedisUrlEnvironmentPostProcessor.URL))
			.isEqualTo("rediss://user:secret@redis.example:6380/2");
		assertThat(excluded()).doesNotContain(RedisUrlEnvironmentPostProcessor.CONNECTION + ",")
			.doesNotEndWith(RedisUrlEnvironmentPostProcessor.CONNECTION)
			.contains(RedisUrlEnvironmentPostProcessor.ALWAYS_EXCLUDED);
	}

	@Test
	void springBootPropertyWins() {
		this.environment.setProperty("REDIS_URL", "redis://one:6379");
		this.environment.setProperty(RedisUrlEnvironmentPostProcessor.URL, "redis://two:6379");
		postProcess();
		assertThat(this.environment.getProperty(RedisUrlEnvironmentPostProcessor.URL)).isEqualTo("redis://two:6379");
		assertThat(excluded()).doesNotEndWith(RedisUrlEnvironmentPostProcessor.CONNECTION);
	}

	@Test
	void otherExclusionsAreKept() {
		this.environment.setProperty("spring.autoconfigure.exclude", "com.example.Other");
		postProcess();
		assertThat(excluded()).startsWith("com.example.Other,").endsWith(RedisUrlEnvironmentPostProcessor.CONNECTION);
	}

	@Test
	void otherSchemesAreRefusedWithoutEchoingTheUrl() {
		this.environment.setProperty("REDIS_URL", "http://user:secret@redis:6379");
		assertThatIllegalArgumentException().isThrownBy(this::postProcess)
			.withMessageContaining("redis://")
			.withMessageNotContaining("secret");
	}

}
