-- Placement policies (/api/policies): admin rules in CEL that deny tasks or require of the
-- agents that run them. A policy keeps its id across versions; every version, including
-- the deletion, stays in placement_policy_versions as the record of what decided when.
CREATE TABLE placement_policies (
    id           VARCHAR(64)   NOT NULL PRIMARY KEY,
    name         VARCHAR(64)   NOT NULL,
    description  VARCHAR(1000) NOT NULL,
    enabled      BOOLEAN       NOT NULL,
    priority     INTEGER       NOT NULL,
    match_expr   VARCHAR(2000) NOT NULL,
    effect       VARCHAR(16)   NOT NULL,
    require_expr VARCHAR(2000),
    version      BIGINT        NOT NULL,
    created_by   VARCHAR(200)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by   VARCHAR(200)  NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX placement_policies_live_idx ON placement_policies (deleted_at);

CREATE TABLE placement_policy_versions (
    policy_id    VARCHAR(64)   NOT NULL,
    version      BIGINT        NOT NULL,
    change       VARCHAR(16)   NOT NULL,
    name         VARCHAR(64)   NOT NULL,
    description  VARCHAR(1000) NOT NULL,
    enabled      BOOLEAN       NOT NULL,
    priority     INTEGER       NOT NULL,
    match_expr   VARCHAR(2000) NOT NULL,
    effect       VARCHAR(16)   NOT NULL,
    require_expr VARCHAR(2000),
    changed_by   VARCHAR(200)  NOT NULL,
    changed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (policy_id, version)
);

-- A task's agent_selector (match_labels / match_expressions over agent labels), as JSON;
-- NULL for a task that may run on any agent with the capabilities.
ALTER TABLE tasks ADD COLUMN agent_selector VARCHAR(20000);
