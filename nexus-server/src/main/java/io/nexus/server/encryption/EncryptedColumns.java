package io.nexus.server.encryption;

import java.util.List;

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

}
