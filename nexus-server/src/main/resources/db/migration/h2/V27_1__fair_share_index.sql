-- H2 has no partial indexes: the ready tasks of one fair-share key in dispatch order, with
-- the status in the index. (PostgreSQL keeps a partial index over queued tasks only.)
CREATE INDEX tasks_ready_fairness_idx ON tasks (fairness_key, status, priority DESC, seq);
