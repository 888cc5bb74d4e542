package io.nexus.server.encryption.web;

import io.nexus.server.encryption.KeyRotation;
import io.nexus.server.encryption.KeyRotation.EncryptionStatus;
import io.nexus.server.encryption.KeyRotation.RotationResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Encryption at rest for admins: where it stands, and re-encryption after a key rotation.
 */
@RestController
@RequestMapping("/api/admin/encryption")
@Tag(name = "Encryption", description = "Encryption at rest of task payloads, results and TOTP secrets (admin)")
class EncryptionController {

	private final KeyRotation rotation;

	EncryptionController(KeyRotation rotation) {
		this.rotation = rotation;
	}

	@GetMapping
	@Operation(summary = "The active key id and how many stored values each key id holds",
			description = "A key_id of null counts plaintext values. unreadable_key_ids lists key ids in use "
					+ "that this server has no key for.")
	EncryptionStatus status() {
		return this.rotation.status();
	}

	@PostMapping("/rotate")
	@Operation(summary = "Re-encrypt every stored value that is not under the active key",
			description = "Plaintext values included. Runs in batches, each in a transaction of its own; safe to "
					+ "repeat. 409 encryption_not_configured without an active key; 503 encryption_key_missing "
					+ "if a value's key is not configured (the batches before stay done).")
	RotationResult rotate() {
		return this.rotation.rotate();
	}

}
