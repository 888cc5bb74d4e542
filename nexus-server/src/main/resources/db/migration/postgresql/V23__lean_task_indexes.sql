-- Every status change of a task is a non-HOT update (status is indexed), so it adds an entry
-- to each full index of tasks: the fewer full indexes, the cheaper the hot path. The ready
-- queue and the deadline reaper use the partial indexes of V21; these full indexes served
-- them before and no query needs them now.
DROP INDEX IF EXISTS tasks_dispatch_priority_idx;
DROP INDEX IF EXISTS tasks_deadline_idx;
-- Idempotency keys are rare: index only the rows that have one (still unique).
DROP INDEX IF EXISTS tasks_idempotency_key_idx;
CREATE UNIQUE INDEX tasks_idempotency_key_idx ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Aging reads the ready tasks that have waited longest, by queued_at. Ordered by seq, the
-- planner could pick the full tasks_seq_idx instead of the partial index and walk the whole
-- history whenever its statistics still said that most rows were queued (as right after a
-- burst); no full index offers this order, so the partial index is the only ordered path.
DROP INDEX IF EXISTS tasks_ready_age_idx;
CREATE INDEX tasks_ready_age_idx ON tasks (queued_at, seq) WHERE status = 'queued';
