package io.nexus.server.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A PostgreSQL database of its own on the test server ({@link TestServices}), for tests
 * whose nodes run in other JVMs and migrate it themselves. {@link #close()} drops it,
 * ending any connection left to it.
 */
public final class ScratchDatabase implements AutoCloseable {

	private final String name;

	private final String url;

	private final JdbcClient jdbc;

	private ScratchDatabase(String name) {
		this.name = name;
		this.url = withDatabase(TestServices.postgresUrl(), name);
		this.jdbc = JdbcClient.create(
				new DriverManagerDataSource(this.url, TestServices.postgresUser(), TestServices.postgresPassword()));
	}

	/**
	 * Creates an empty database named after the prefix and a random suffix.
	 * @param prefix lower-case letters, digits and underscores
	 * @return the new database
	 */
	public static ScratchDatabase create(String prefix) {
		String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		execute("CREATE DATABASE " + name);
		return new ScratchDatabase(name);
	}

	/**
	 * The JDBC URL of this database, for {@code DATABASE_URL}.
	 * @return the URL
	 */
	public String url() {
		return this.url;
	}

	/**
	 * A client for reading what the nodes stored; every call opens its own connection.
	 * @return the client
	 */
	public JdbcClient jdbc() {
		return this.jdbc;
	}

	@Override
	public void close() {
		execute("DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
	}

	private static void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(TestServices.postgresUrl(),
				TestServices.postgresUser(), TestServices.postgresPassword());
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
		}
	}

	static String withDatabase(String jdbcUrl, String database) {
		int hostStart = jdbcUrl.indexOf("//") + 2;
		int pathStart = jdbcUrl.indexOf('/', hostStart);
		int query = jdbcUrl.indexOf('?');
		String base = (pathStart < 0) ? ((query < 0) ? jdbcUrl : jdbcUrl.substring(0, query))
				: jdbcUrl.substring(0, pathStart);
		return base + "/" + database + ((query < 0) ? "" : jdbcUrl.substring(query));
	}

}
