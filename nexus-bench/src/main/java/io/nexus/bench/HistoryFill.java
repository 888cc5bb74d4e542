package io.nexus.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fills the server's database with completed tasks, fast, so that a run measures a queue
 * with a long history. It copies one completed task that went through the server (its row
 * in {@code tasks} and its rows in every table with a {@code task_id} column:
 * capabilities, events ...) N times with {@code INSERT ... SELECT ... generate_series}.
 * The columns are read from the catalogue, so the copy follows whatever the schema is
 * when it runs; only the new id ({@code history_<run>_<n>}), identity and generated
 * columns (left to their defaults) and the task's other single-column unique values (set
 * to NULL, such as the idempotency key) differ from the template.
 */
final class HistoryFill {

	static final String TASKS = "tasks";

	static final String KEY = "id";

	static final String CHILD_KEY = "task_id";

	/**
	 * Tasks per transaction: progress shows, and no transaction grows to millions of
	 * rows.
	 */
	static final int TASKS_PER_TRANSACTION = 100_000;

	private final Connection connection;

	private final int tasksPerTransaction;

	HistoryFill(Connection connection) {
		this(connection, TASKS_PER_TRANSACTION);
	}

	HistoryFill(Connection connection, int tasksPerTransaction) {
		this.connection = connection;
		this.tasksPerTransaction = tasksPerTransaction;
	}

	/**
	 * Adds the tasks, commits every {@value #TASKS_PER_TRANSACTION} by default, then
	 * vacuums and analyses the tables (as autovacuum eventually would) and asks for a
	 * checkpoint (only a superuser or {@code pg_checkpoint} may; otherwise skipped).
	 * @param tasks how many
	 * @return a line describing what was done
	 */
	String fill(long tasks) throws SQLException {
		long started = System.nanoTime();
		String template = template();
		String prefix = "history_" + Long.toString(System.currentTimeMillis(), 36) + "_";
		List<String> statements = new ArrayList<>();
		statements.add(copyStatement(TASKS, columns(TASKS), KEY, uniqueColumns(TASKS)));
		List<String> children = childTables();
		for (String child : children) {
			statements.add(copyStatement(child, columns(child), CHILD_KEY, Set.of()));
		}
		boolean autoCommit = this.connection.getAutoCommit();
		this.connection.setAutoCommit(false);
		try {
			for (long from = 1; from <= tasks; from += this.tasksPerTransaction) {
				long to = Math.min(tasks, from + this.tasksPerTransaction - 1);
				for (String sql : statements) {
					try (PreparedStatement insert = this.connection.prepareStatement(sql)) {
						insert.setString(1, prefix);
						insert.setLong(2, from);
						insert.setLong(3, to);
						insert.setString(4, template);
						insert.executeUpdate();
					}
				}
				this.connection.commit();
				System.err.printf("History: %,d of %,d tasks%n", to, tasks);
			}
		}
		finally {
			this.connection.setAutoCommit(autoCommit);
		}
		long filled = System.nanoTime();
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("vacuum analyze " + quote(TASKS));
			for (String child : children) {
				statement.execute("vacuum analyze " + quote(child));
			}
		}
		boolean checkpoint = checkpoint();
		return String.format("%,d completed tasks copied from %s into %s and %s in %.1f s; vacuum analyze %.1f s;%s",
				tasks, template, TASKS, String.join(", ", children), (filled - started) / 1e9,
				(System.nanoTime() - filled) / 1e9, checkpoint ? " checkpoint done" : " no checkpoint (not allowed)");
	}

	/**
	 * The statement that copies the rows of one task into {@code ?2..?3} new tasks: the
	 * key column becomes {@code ?1 || n}, the rows copied are those whose key is
	 * {@code ?4}.
	 * @param table the table
	 * @param columns its columns in order
	 * @param key the column that holds the task id
	 * @param nulled columns set to NULL in the copies
	 * @return the SQL
	 */
	static String copyStatement(String table, List<Column> columns, String key, Set<String> nulled) {
		List<Column> copied = columns.stream().filter((column) -> !column.defaulted()).toList();
		String names = copied.stream().map((column) -> quote(column.name())).collect(Collectors.joining(", "));
		String values = copied.stream().map((column) -> {
			if (column.name().equals(key)) {
				return "?::text || g";
			}
			return nulled.contains(column.name()) ? "NULL" : "t." + quote(column.name());
		}).collect(Collectors.joining(", "));
		return "insert into " + quote(table) + " (" + names + ") select " + values + " from " + quote(table)
				+ " t cross join generate_series(?::bigint, ?::bigint) g where t." + quote(key) + " = ? order by g";
	}

	static String quote(String identifier) {
		return '"' + identifier.replace("\"", "\"\"") + '"';
	}

	private String template() throws SQLException {
		try (Statement statement = this.connection.createStatement();
				ResultSet row = statement
					.executeQuery("select id from " + quote(TASKS) + " where status = 'completed' limit 1")) {
			if (!row.next()) {
				throw new SQLException("--history copies a completed task, and there is none yet: "
						+ "let the server run a task first (the closed loop's warm-up does)");
			}
			return row.getString(1);
		}
	}

	private List<Column> columns(String table) throws SQLException {
		List<Column> columns = new ArrayList<>();
		try (PreparedStatement query = this.connection
			.prepareStatement("select column_name, is_identity, is_generated, column_default"
					+ " from information_schema.columns where table_schema = current_schema() and table_name = ?"
					+ " order by ordinal_position")) {
			query.setString(1, table);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					String columnDefault = rows.getString(4);
					boolean defaulted = "YES".equals(rows.getString(2)) || "ALWAYS".equals(rows.getString(3))
							|| (columnDefault != null && columnDefault.startsWith("nextval("));
					columns.add(new Column(rows.getString(1), defaulted));
				}
			}
		}
		return columns;
	}

	/** Columns that alone make up a unique index, apart from the key. */
	private Set<String> uniqueColumns(String table) throws SQLException {
		Set<String> unique = new HashSet<>();
		try (PreparedStatement query = this.connection.prepareStatement("select a.attname from pg_index i"
				+ " join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]"
				+ " where i.indrelid = to_regclass(?) and i.indisunique and i.indnatts = 1")) {
			query.setString(1, quote(table));
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					unique.add(rows.getString(1));
				}
			}
		}
		unique.remove(KEY);
		return unique;
	}

	private List<String> childTables() throws SQLException {
		List<String> tables = new ArrayList<>();
		try (PreparedStatement query = this.connection.prepareStatement(
				"select c.table_name" + " from information_schema.columns c join information_schema.tables t"
						+ " on t.table_schema = c.table_schema and t.table_name = c.table_name"
						+ " where c.table_schema = current_schema() and c.column_name = ? and c.table_name <> ?"
						+ " and t.table_type = 'BASE TABLE' order by c.table_name")) {
			query.setString(1, CHILD_KEY);
			query.setString(2, TASKS);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					tables.add(rows.getString(1));
				}
			}
		}
		return tables;
	}

	private boolean checkpoint() {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("checkpoint");
			return true;
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/**
	 * A column of a table.
	 *
	 * @param name its name
	 * @param defaulted whether an insert must leave it to its default (identity, serial,
	 * generated)
	 */
	record Column(String name, boolean defaulted) {

	}

}
