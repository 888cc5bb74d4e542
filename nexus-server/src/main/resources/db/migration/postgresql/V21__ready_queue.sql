-- The ready queue: indexes over queued tasks only, so that choosing the next tasks costs
-- O(batch) however many finished tasks the table holds. PostgreSQL keeps a partial index
-- small (only rows with status = 'queued'); the dispatch queries name that status
-- literally, so the planner always picks these.
CREATE INDEX tasks_ready_priority_idx ON tasks (priority DESC, seq) WHERE status = 'queued';
CREATE INDEX tasks_ready_age_idx ON tasks (seq) WHERE status = 'queued';
-- running tasks by deadline (the timeout reaper) without walking finished ones
CREATE INDEX tasks_running_deadline_idx ON tasks (deadline_at) WHERE status = 'in_progress';
