-- Questions that agents ask a person while a task runs (docs/protocol.md, input_request).
-- One row per question, keyed by the task and the agent's request id. While the task is
-- input_required its deadline_at is NULL and remaining_ms keeps what was left of its
-- timeout clock; the answer sets a new deadline from it. state: open (waiting), answered,
-- expired (input_timeout passed), closed (the task moved on without an answer).
-- delivered_at is when the answer was last sent to an agent; NULL means it still waits
-- for the agent that next holds the task's lease.
CREATE TABLE task_input_requests (
    task_id       VARCHAR(64)   NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    request_id    VARCHAR(128)  NOT NULL,
    lease_epoch   BIGINT        NOT NULL,
    agent_id      VARCHAR(64)   NOT NULL,
    prompt        VARCHAR(4000) NOT NULL,
    answer_schema TEXT,
    state         VARCHAR(16)   NOT NULL,
    requested_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    remaining_ms  BIGINT        NOT NULL,
    answer        TEXT,
    answered_by   VARCHAR(200),
    answered_at   TIMESTAMP WITH TIME ZONE,
    delivered_at  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (task_id, request_id)
);
CREATE INDEX task_input_requests_open_idx ON task_input_requests (state, expires_at);
