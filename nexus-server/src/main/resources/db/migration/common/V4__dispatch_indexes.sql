-- Dispatch reads queued tasks in two orders: by priority then age, and by age alone (for
-- aging). Both indexes start with status so that finished tasks, however many, are never
-- scanned.
CREATE INDEX tasks_dispatch_priority_idx ON tasks (status, priority DESC, seq);
CREATE INDEX tasks_dispatch_age_idx ON tasks (status, seq);
DROP INDEX tasks_status_idx;
