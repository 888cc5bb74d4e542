-- TOTP multi-factor authentication (RFC 6238): one row per user who started enrolment.
-- The TOTP secret must be kept in a form the server can use (HMAC key), so it is stored
-- as base32; recovery codes are stored only as SHA-256 hashes.

CREATE TABLE user_mfa (
    username       VARCHAR(64)  NOT NULL PRIMARY KEY,
    secret         VARCHAR(64)  NOT NULL,
    enabled        BOOLEAN      NOT NULL,
    last_used_step BIGINT       NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    enabled_at     TIMESTAMP WITH TIME ZONE
);

CREATE TABLE user_mfa_recovery_codes (
    code_hash  VARCHAR(64) NOT NULL PRIMARY KEY,
    username   VARCHAR(64) NOT NULL,
    used_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX user_mfa_recovery_codes_username_idx ON user_mfa_recovery_codes (username);
