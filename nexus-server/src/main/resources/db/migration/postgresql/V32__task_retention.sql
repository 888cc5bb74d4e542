-- Retention: finished tasks by the time they finished, so that the background deletion and the
-- NDJSON export read only the rows they need however large the table grows.
CREATE INDEX tasks_finished_idx ON tasks (finished_at, id) WHERE status IN ('completed', 'failed', 'cancelled');
