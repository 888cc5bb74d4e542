package io.nexus.server.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * Where the real servers for tests are, from the environment that {@code .ci/run} sets
 * up: {@code NEXUS_TEST_POSTGRES_URL} (a JDBC URL), {@code NEXUS_TEST_POSTGRES_USER},
 * {@code NEXUS_TEST_POSTGRES_PASSWORD}, {@code NEXUS_TEST_REDIS_URL} (a {@code redis://}
 * URL). A test that needs a missing server is skipped, unless
 * {@code NEXUS_REQUIRE_SERVICES=true}, which makes it fail instead.
 */
public final class TestServices {

	private TestServices() {
	}

	public static boolean servicesRequired() {
		return "true".equalsIgnoreCase(System.getenv("NEXUS_REQUIRE_SERVICES"));
	}

	public static String postgresUrl() {
		return env("NEXUS_TEST_POSTGRES_URL", "jdbc:postgresql://localhost:5432/nexus_test");
	}

	public static String postgresUser() {
		return env("NEXUS_TEST_POSTGRES_USER", "nexus");
	}

	public static String postgresPassword() {
		return env("NEXUS_TEST_POSTGRES_PASSWORD", "nexus");
	}

	/**
	 * Why PostgreSQL cannot be reached, or {@code null} if it can.
	 * @return the reason or {@code null}
	 */
	public static String postgresUnavailableReason() {
		try (Connection connection = DriverManager.getConnection(postgresUrl(), postgresUser(), postgresPassword())) {
			return connection.isValid(2) ? null : "connection not valid";
		}
		catch (SQLException ex) {
			return ex.getMessage();
		}
	}

	public static String redisUrl() {
		return env("NEXUS_TEST_REDIS_URL", "redis://localhost:6379");
	}

	/**
	 * Why Redis cannot be reached, or {@code null} if it can.
	 * @return the reason or {@code null}
	 */
	public static String redisUnavailableReason() {
		RedisClient client = RedisClient.create(redisUrl());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			String answer = connection.sync().ping();
			return "PONG".equals(answer) ? null : "answered " + answer;
		}
		catch (RuntimeException ex) {
			return ex.getMessage();
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : fallback;
	}

}
