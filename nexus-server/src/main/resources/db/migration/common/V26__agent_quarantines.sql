-- Agents in quarantine (see docs/governance.md): a row means the agent gets no new work.
-- The breaker that trips it, or an operator, writes the row; the agent's node and every
-- other node read it with the agent. cooldown_until is when the half-open probe may go
-- (NULL: held until an operator releases it); trips counts the openings since the breaker
-- last closed, for the growing cool-down. evidence is JSON: the signals that tripped it.
-- Closing the breaker deletes the row; the audit log keeps the history.
CREATE TABLE agent_quarantines (
    agent_id       VARCHAR(64)   NOT NULL PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    reason         VARCHAR(32)   NOT NULL,
    detail         VARCHAR(1000) NOT NULL,
    evidence       VARCHAR(8000) NOT NULL,
    since          TIMESTAMP WITH TIME ZONE NOT NULL,
    cooldown_until TIMESTAMP WITH TIME ZONE,
    trips          INTEGER       NOT NULL,
    actor          VARCHAR(200)  NOT NULL
);
