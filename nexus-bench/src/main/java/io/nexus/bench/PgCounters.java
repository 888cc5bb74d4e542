package io.nexus.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL's own counters of the work a run caused, read over JDBC from the server's
 * database (the same counters as the peer harness's {@code pgstats.mjs}):
 * <ul>
 * <li>write transactions: the next transaction id ({@code pg_snapshot_xmax}), exact at
 * once but cluster-wide, so other databases' writes count too;</li>
 * <li>{@code pg_stat_database.xact_commit} of this database, which also counts read-only
 * transactions; PostgreSQL 15 backends publish it lazily (up to 10 s when idle), hence
 * the settle time before the last reading;</li>
 * <li>{@code pg_stat_wal.wal_sync}: WAL flushes of the whole cluster.</li>
 * </ul>
 * The readings themselves assign no transaction id.
 */
final class PgCounters implements AutoCloseable {

	private static final String QUERY = "select pg_snapshot_xmax(pg_current_snapshot())::text::bigint,"
			+ " (select xact_commit from pg_stat_database where datname = current_database()),"
			+ " (select wal_sync from pg_stat_wal)";

	private final Connection connection;

	private PgCounters(Connection connection) {
		this.connection = connection;
	}

	/**
	 * Connects.
	 * @param url a JDBC URL ({@code jdbc:postgresql://host:port/db}, credentials may be
	 * in its query)
	 * @param user the user, or {@code null} to take it from the URL
	 * @param password the password, or {@code null}
	 * @return the counters
	 */
	static PgCounters connect(String url, @Nullable String user, @Nullable String password) throws SQLException {
		Connection connection = (user != null) ? DriverManager.getConnection(url, user, password)
				: DriverManager.getConnection(url);
		connection.setAutoCommit(true);
		return new PgCounters(connection);
	}

	Connection connection() {
		return this.connection;
	}

	Reading read() throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			// a statement outside a transaction sees fresh statistics, not a cached
			// snapshot
			statement.execute("select pg_stat_clear_snapshot()");
			try (ResultSet row = statement.executeQuery(QUERY)) {
				row.next();
				return new Reading(row.getLong(1), row.getLong(2), row.getLong(3));
			}
		}
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

	/**
	 * One reading.
	 *
	 * @param nextXid the next transaction id of the cluster
	 * @param xactCommit committed transactions of the database, read-only ones included
	 * @param walSync WAL flushes of the cluster
	 */
	record Reading(long nextXid, long xactCommit, long walSync) {

	}

}
