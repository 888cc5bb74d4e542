-- Emergency stops (POST /api/fleet/stop): while a row has no ended_at, nothing in its scope
-- is dispatched or assigned, on any node. Scope columns hold JSON: agent ids (array), agent
-- labels (object, all must match) and task categories (array); empty means "all". Rows
-- stay after a resume, as the record of who stopped and resumed the fleet, and why.
CREATE TABLE fleet_stops (
    id           VARCHAR(64)   NOT NULL PRIMARY KEY,
    mode         VARCHAR(8)    NOT NULL,
    agent_ids    VARCHAR(20000) NOT NULL,
    agent_labels VARCHAR(20000) NOT NULL,
    categories   VARCHAR(20000) NOT NULL,
    reason       VARCHAR(500)  NOT NULL,
    created_by   VARCHAR(200)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at     TIMESTAMP WITH TIME ZONE,
    ended_by     VARCHAR(200)
);
CREATE INDEX fleet_stops_active_idx ON fleet_stops (ended_at);
