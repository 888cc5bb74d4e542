package io.nexus.server.encryption;

import java.util.Map;

import io.nexus.server.shared.NexusException;

/**
 * A stored encrypted value failed its integrity check: it was altered, damaged, or moved
 * from another row or column. Nothing of it is returned.
 */
public class EncryptedValueInvalidException extends NexusException {

	EncryptedValueInvalidException(String keyId, String column, String rowId) {
		super(Kind.SERVER_FAULT, "encrypted_value_invalid",
				"Stored data (" + column + " of " + rowId
						+ ") failed its integrity check: it was altered or damaged in the database",
				Map.of("key_id", keyId));
	}

}
