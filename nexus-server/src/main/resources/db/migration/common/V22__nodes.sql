-- Node membership: every running Nexus node has a row here, written at start with a fresh
-- id and refreshed by its heartbeat (nexus.cluster.*). A node whose heartbeat is older than
-- the node timeout is declared dead by any live node, with a conditional update, so exactly
-- one node releases its agents. Rows of ended nodes are kept for a while, then pruned.
CREATE TABLE nodes (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    address      VARCHAR(255) NOT NULL,
    version      VARCHAR(64)  NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX nodes_state_idx ON nodes (state, heartbeat_at);

-- The node that holds an online agent's WebSocket (NULL while the agent is offline).
ALTER TABLE agents ADD COLUMN node_id VARCHAR(64);
CREATE INDEX agents_node_idx ON agents (node_id);
