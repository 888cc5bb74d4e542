package io.nexus.server.encryption;

import org.jspecify.annotations.Nullable;

/**
 * How many values of a column are stored under a key id.
 *
 * @param column the column, such as {@code payload}
 * @param keyId the key id, {@code null} for plaintext values
 * @param values how many
 */
public record KeyUsage(String column, @Nullable String keyId, long values) {

}
