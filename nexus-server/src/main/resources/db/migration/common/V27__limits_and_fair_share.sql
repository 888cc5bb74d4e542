-- Concurrency and rate limits by key (/api/limits). A limit applies to every task whose key
-- (its category, its creator or its fairness_key) has a value, optionally only to tasks of one category: at most
-- max_running of one key value assigned or in progress at once, and at most rate_per_second
-- started per key value (a token bucket of burst tokens). Dispatch locks the rows of this
-- table in the claiming transaction, so that the count and the buckets hold across nodes.
CREATE TABLE task_limits (
    id              VARCHAR(64)  NOT NULL PRIMARY KEY,
    name            VARCHAR(64)  NOT NULL,
    limit_key       VARCHAR(16)  NOT NULL,
    match_category  VARCHAR(64),
    max_running     INTEGER,
    rate_per_second DOUBLE PRECISION,
    burst           INTEGER,
    created_by      VARCHAR(200) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX task_limits_name_idx ON task_limits (name);

-- The token bucket of one key value of a rate limit: tokens as of refilled_at. A key value
-- without a row has a full bucket.
CREATE TABLE task_limit_buckets (
    limit_id    VARCHAR(64)  NOT NULL REFERENCES task_limits (id) ON DELETE CASCADE,
    key_value   VARCHAR(200) NOT NULL,
    tokens      DOUBLE PRECISION NOT NULL,
    refilled_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (limit_id, key_value)
);

-- Fair share: who a task is for (a team, a customer); within a priority level dispatch serves
-- these keys by weight (fairness_weights; a key without a row weighs 1).
ALTER TABLE tasks ADD COLUMN fairness_key VARCHAR(128);
CREATE TABLE fairness_weights (
    fairness_key VARCHAR(128) NOT NULL PRIMARY KEY,
    weight       INTEGER      NOT NULL,
    updated_by   VARCHAR(200) NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
