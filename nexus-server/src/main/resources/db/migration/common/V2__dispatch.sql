-- Dispatch: leases, retries with backoff, deadlines, progress, reservations, enrollment.

ALTER TABLE tasks ADD COLUMN not_before TIMESTAMP WITH TIME ZONE;
ALTER TABLE tasks ADD COLUMN deadline_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE tasks ADD COLUMN progress DOUBLE PRECISION;
ALTER TABLE tasks ADD COLUMN progress_message VARCHAR(500);
ALTER TABLE tasks ADD COLUMN reserved_for VARCHAR(64);
CREATE INDEX tasks_deadline_idx ON tasks (status, deadline_at);

ALTER TABLE agents ADD COLUMN disconnected_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE agents ADD COLUMN enrollment_key_id VARCHAR(64);

CREATE TABLE enrollment_keys (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    name         VARCHAR(200) NOT NULL,
    key_hash     VARCHAR(64)  NOT NULL UNIQUE,
    capabilities TEXT         NOT NULL,
    max_uses     INTEGER,
    uses         INTEGER      NOT NULL DEFAULT 0,
    expires_at   TIMESTAMP WITH TIME ZONE,
    revoked      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_by   VARCHAR(100) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
