package io.nexus.server.support;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Base of tests that drive a real Nexus on a random port over real HTTP. By default the
 * server runs on embedded H2; subclasses marked {@link PostgresDatabase} run the same
 * tests on PostgreSQL.
 * <p>
 * Passwords are hashed at bcrypt's lowest cost: every test logs in at least once, and at
 * the default cost the suite's two thousand logins took minutes of CPU. The hashing code
 * is the same; {@code ProductionGuardTests} and {@code PasswordHashCostTests} cover the
 * cost itself.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"nexus.security.admin-password=" + ApiIntegrationTest.ADMIN_PASSWORD, "nexus.security.password-hash-cost=4",
		"spring.datasource.url=jdbc:h2:mem:nexus-${random.uuid};MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
				+ "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
		// remote A2A agents of tests listen on loopback and are quick to notice;
		// set here so that one context serves all (RemoteA2aAgentIntegrationTests)
		"nexus.a2a.remote.allowed-networks=127.0.0.0/8", "nexus.a2a.remote.card-refresh-interval=200ms",
		"nexus.a2a.remote.max-failures=2", "nexus.a2a.remote.call-timeout=3s", "nexus.a2a.remote.poll-interval=100ms" })
public abstract class ApiIntegrationTest {

	/** The admin password of test servers. */
	public static final String ADMIN_PASSWORD = "test-admin-password";

	@LocalServerPort
	protected int port;

	@Autowired
	protected JdbcClient jdbc;

	/** A client logged in as admin. */
	protected ApiClient api;

	/**
	 * Logs the admin in before each test; a subclass whose admin must first enrol in MFA
	 * overrides it.
	 */
	@BeforeEach
	protected void logIn() {
		this.api = new ApiClient(this.port).login("admin", ADMIN_PASSWORD);
	}

	protected long rows(String table) {
		return this.jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
	}

}
