-- Every attempt at a webhook delivery (the delivery row keeps only the last): when, by which
-- node, the receiver's status code, how long it took and why it failed. Written in the
-- transaction that records the attempt on its delivery; deleted with the delivery.
CREATE TABLE webhook_attempts (
    delivery_id   VARCHAR(64)  NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt       INTEGER      NOT NULL,
    node          VARCHAR(200) NOT NULL,
    attempted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    status_code   INTEGER,
    duration_ms   BIGINT       NOT NULL,
    error         VARCHAR(500),
    PRIMARY KEY (delivery_id, attempt)
);
