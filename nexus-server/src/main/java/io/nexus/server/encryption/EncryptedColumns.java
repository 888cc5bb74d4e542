package io.nexus.server.encryption;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Implemented by each module that stores values with {@link FieldCipher}, so that the
 * status and the re-encryption see every encrypted column without knowing the tables.
 */
public interface EncryptedColumns {

	/**
	 * The table, as named in the status and in the counts of a rotation.
	 * @return the table name, such as {@code tasks}
	 */
	String table();

	/**
	 * How many non-null values each column holds under each key id.
	 * @return the counts; a {@code null} key id counts plaintext values
	 */
	List<KeyUsage> usage();

	/**
	 * Re-encrypts with the active key every value stored under another key id or as
	 * plaintext, in batches of at most {@code batchSize} rows, each batch in a
	 * transaction of its own that locks its rows, so that a concurrent write is never
	 * lost.
	 * @param batchSize the rows per transaction
	 * @return how many rows changed
	 * @throws EncryptionKeyMissingException if a value's key is not configured (the
	 * batches before stay done)
	 */
	long reencrypt(int batchSize);

	/**
	 * Counts the non-null values of each column by key id, for {@link #usage()}.
	 * @param jdbc the database
	 * @param table the table
	 * @param columns the encrypted columns, each with its {@code <column>_key_id}
	 * @return the counts, column by column, in key id order
	 */
	static List<KeyUsage> countByKey(JdbcClient jdbc, String table, List<String> columns) {
		List<KeyUsage> usage = new ArrayList<>();
		for (String column : columns) {
			jdbc.sql("SELECT " + column + "_key_id AS key_id, COUNT(*) AS n FROM " + table + " WHERE " + column
					+ " IS NOT NULL GROUP BY " + column + "_key_id ORDER BY " + column + "_key_id")
				.query((rs) -> {
					usage.add(new KeyUsage(column, rs.getString("key_id"), rs.getLong("n")));
				});
		}
		return usage;
	}

	/**
	 * Runs {@link #reencrypt} over a table keyed by text ids: batch after batch, each in
	 * a transaction of its own, from the last id the previous batch re-encrypted.
	 * @param transaction the transactions
	 * @param batchSize the rows per batch
	 * @param batch re-encrypts the rows after an id (exclusive, {@code ""} for the
	 * first), at most {@code batchSize} of them, and returns their ids in order
	 * @return how many rows changed
	 */
	static long inBatches(TransactionTemplate transaction, int batchSize, Function<String, List<String>> batch) {
		long changed = 0;
		String after = "";
		while (true) {
			String from = after;
			List<String> done = transaction.execute((status) -> batch.apply(from));
			if (done == null || done.isEmpty()) {
				return changed;
			}
			changed += done.size();
			after = done.get(done.size() - 1);
			if (done.size() < batchSize) {
				return changed;
			}
		}
	}

}
