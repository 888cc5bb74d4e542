-- Retention: finished tasks by the time they finished (H2 has no partial indexes).
CREATE INDEX tasks_finished_idx ON tasks (finished_at, id);
