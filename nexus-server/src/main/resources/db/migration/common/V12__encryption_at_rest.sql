-- Encryption at rest (AES-256-GCM, docs/security.md): the id of the key that encrypted
-- each value, NULL for plaintext (rows written without NEXUS_ENCRYPTION_KEY). The
-- encrypted value replaces the plaintext in its own column.

ALTER TABLE tasks ADD COLUMN payload_key_id VARCHAR(64);
ALTER TABLE tasks ADD COLUMN result_key_id VARCHAR(64);

-- an encrypted TOTP secret (nonce, ciphertext and tag in base64) is longer than the
-- base32 secret
ALTER TABLE user_mfa ALTER COLUMN secret SET DATA TYPE VARCHAR(512);
ALTER TABLE user_mfa ADD COLUMN secret_key_id VARCHAR(64);
