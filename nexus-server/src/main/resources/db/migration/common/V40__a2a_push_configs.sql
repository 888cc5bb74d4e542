-- A2A push notification configs (docs/interop.md): where Nexus posts the changes of a task
-- created through A2A. id is the config's id as the A2A client knows it (its own, or a
-- UUID Nexus made), unique within its task; target_id names the config in the webhook
-- outbox. token (sent as X-A2A-Notification-Token) and credentials (sent as
-- Authorization: <auth_scheme> <credentials>) are encrypted with the keys of
-- nexus.encryption when a key is configured. last_status is a digest of the last A2A
-- status queued for the config, so that only changes a client can see are sent. A task
-- deleted by retention takes its configs with it.
CREATE TABLE a2a_push_configs (
    target_id          VARCHAR(64)   NOT NULL PRIMARY KEY,
    task_id            VARCHAR(64)   NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    id                 VARCHAR(128)  NOT NULL,
    url                VARCHAR(2048) NOT NULL,
    token              VARCHAR(4000),
    token_key_id       VARCHAR(64),
    auth_scheme        VARCHAR(64),
    credentials        VARCHAR(12000),
    credentials_key_id VARCHAR(64),
    last_status        VARCHAR(64),
    created_by         VARCHAR(200)  NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT a2a_push_configs_task UNIQUE (task_id, id)
);

-- The webhook outbox also carries deliveries to targets of other modules (A2A push
-- configs): such a row has no subscription but a target_kind ('a2a.push') and a
-- target_id, and the deliveries of one target are sent one at a time, in order.
ALTER TABLE webhook_deliveries ALTER COLUMN subscription_id DROP NOT NULL;
ALTER TABLE webhook_deliveries ADD COLUMN target_kind VARCHAR(32);
ALTER TABLE webhook_deliveries ADD COLUMN target_id VARCHAR(64);
CREATE INDEX webhook_deliveries_target ON webhook_deliveries (target_id, seq);
