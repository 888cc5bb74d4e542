-- Remote A2A agents (docs/interop.md, "Remote A2A agents"): an agent an administrator
-- registered by its Agent Card URL. Its row in agents is what dispatch sees; this row
-- holds the cached card (and its ETag), the JSON-RPC URL Nexus calls, the optional
-- Authorization value sent to it (encrypted at rest when encryption is on), its health,
-- and which node holds its connection: owner_node until claim_until, renewed by that
-- node and taken over by another after it passes. Deleting the agent deletes the row.
CREATE TABLE a2a_remote_agents (
    agent_id             VARCHAR(64)   NOT NULL PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    card_url             VARCHAR(2048) NOT NULL,
    rpc_url              VARCHAR(2048) NOT NULL,
    streaming            BOOLEAN       NOT NULL,
    card_json            TEXT          NOT NULL,
    card_etag            VARCHAR(512),
    auth_header          TEXT,
    auth_header_key_id   VARCHAR(64),
    owner_node           VARCHAR(128),
    claim_until          TIMESTAMP WITH TIME ZONE,
    reachable            BOOLEAN       NOT NULL,
    consecutive_failures INTEGER       NOT NULL,
    last_latency_ms      BIGINT,
    last_ok_at           TIMESTAMP WITH TIME ZONE,
    last_error           VARCHAR(500),
    created_by           VARCHAR(200)  NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE UNIQUE INDEX a2a_remote_agents_card_url ON a2a_remote_agents (card_url);
