package io.nexus.server.encryption;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Says at start-up whether encryption at rest is on, warns when production runs without
 * it, and names stored key ids that no configured key can read. It never logs a key.
 */
@Component
class EncryptionStartupCheck {

	private static final Logger logger = LoggerFactory.getLogger(EncryptionStartupCheck.class);

	private final KeyRotation rotation;

	private final FieldCipher cipher;

	EncryptionStartupCheck(KeyRotation rotation, FieldCipher cipher) {
		this.rotation = rotation;
		this.cipher = cipher;
	}

	@EventListener
	void onReady(ApplicationReadyEvent event) {
		Environment environment = event.getApplicationContext().getEnvironment();
		String env = environment.getProperty("nexus.env", "development").strip().toLowerCase(Locale.ROOT);
		if (!this.cipher.enabled() && env.equals("production")) {
			logger.warn("NEXUS_ENV=production without NEXUS_ENCRYPTION_KEY: task payloads, results and TOTP secrets "
					+ "are stored in plaintext. Fix: NEXUS_ENCRYPTION_KEY=$(openssl rand -base64 32), restart, then "
					+ "POST /api/admin/encryption/rotate (docs/security.md)");
		}
		KeyRotation.EncryptionStatus status = this.rotation.status();
		if (!status.unreadableKeyIds().isEmpty()) {
			logger.error("Stored values are encrypted with key id(s) {} that this server does not have: reading them "
					+ "answers 503 encryption_key_missing and queued tasks under them are not dispatched. Fix: add "
					+ "the key(s) to NEXUS_ENCRYPTION_OLD_KEYS", status.unreadableKeyIds());
		}
		if (this.cipher.enabled() && status.valuesPending() > 0) {
			logger.info(
					"{} stored value(s) are not under the active encryption key '{}'; "
							+ "POST /api/admin/encryption/rotate (or nexusctl encryption rotate) re-encrypts them",
					status.valuesPending(), this.cipher.activeKeyId());
		}
	}

}
