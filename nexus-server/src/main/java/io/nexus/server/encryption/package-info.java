/**
 * Encryption at rest: AES-256-GCM for columns that hold users' data (task payloads and
 * results, TOTP secrets), the keyring of the active and the old keys, and the
 * re-encryption of stored rows after a key rotation.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "audit", "shared" })
package io.nexus.server.encryption;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
