package io.nexus.server.encryption;

import java.util.Map;

import io.nexus.server.shared.NexusException;

/**
 * A stored value was encrypted with a key that is not configured: the operator must add
 * it to {@code NEXUS_ENCRYPTION_OLD_KEYS} (or make it the active key) to read it.
 */
public class EncryptionKeyMissingException extends NexusException {

	EncryptionKeyMissingException(String keyId, String column) {
		super(Kind.UNAVAILABLE, "encryption_key_missing",
				"Stored data (" + column + ") is encrypted with key '" + keyId
						+ "', which this server does not have; an operator must add it to NEXUS_ENCRYPTION_OLD_KEYS",
				Map.of("key_id", keyId));
	}

}
