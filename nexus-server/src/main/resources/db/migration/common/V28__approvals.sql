-- Approval gates (issue 13): a task that needs a person's approval waits in
-- 'awaiting_approval', a name longer than the status columns held.
ALTER TABLE tasks ALTER COLUMN status SET DATA TYPE VARCHAR(32);
ALTER TABLE task_events ALTER COLUMN from_status SET DATA TYPE VARCHAR(32);
ALTER TABLE task_events ALTER COLUMN to_status SET DATA TYPE VARCHAR(32);

-- What a task needs before it may run, written with the task: spec is the approval as
-- JSON (approvers, min_approvals, timeouts, on_timeout, escalate_to); policy_id and
-- policy_version name the placement policy that required it, if one did. state:
-- 'waiting' (its dependencies are not met yet), 'open' (awaiting approval until
-- deadline_at), 'approved', 'rejected', 'expired' or 'closed' (the task ended
-- otherwise). stage 1 is the first approver group, 2 the escalation group. Times are
-- absolute, so that a restart keeps the deadline.
CREATE TABLE task_approvals (
    task_id        VARCHAR(64)    NOT NULL PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    requested_by   VARCHAR(100)   NOT NULL,
    policy_id      VARCHAR(64),
    policy_version BIGINT         NOT NULL,
    spec           VARCHAR(20000) NOT NULL,
    state          VARCHAR(16)    NOT NULL,
    stage          INTEGER        NOT NULL,
    requested_at   TIMESTAMP WITH TIME ZONE,
    deadline_at    TIMESTAMP WITH TIME ZONE,
    decided_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX task_approvals_due_idx ON task_approvals (state, deadline_at);

-- Who may approve at each stage, for the inbox query: kind 'role' or 'user'.
CREATE TABLE task_approvers (
    task_id VARCHAR(64)  NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    stage   INTEGER      NOT NULL,
    kind    VARCHAR(8)   NOT NULL,
    name    VARCHAR(100) NOT NULL,
    PRIMARY KEY (task_id, stage, kind, name)
);
CREATE INDEX task_approvers_name_idx ON task_approvers (kind, name, stage);

-- Every approval and rejection, one per approver and task.
CREATE TABLE task_approval_decisions (
    task_id    VARCHAR(64)   NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    approver   VARCHAR(100)  NOT NULL,
    decision   VARCHAR(16)   NOT NULL,
    stage      INTEGER       NOT NULL,
    comment    VARCHAR(1000),
    decided_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (task_id, approver)
);

-- A placement policy with effect 'require_approval' names its approvers here (JSON, as a
-- task's approval); NULL for deny and require.
ALTER TABLE placement_policies ADD COLUMN approval VARCHAR(20000);
ALTER TABLE placement_policy_versions ADD COLUMN approval VARCHAR(20000);
