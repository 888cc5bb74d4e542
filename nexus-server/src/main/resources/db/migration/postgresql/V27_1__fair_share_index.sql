-- The ready tasks of one fair-share key in dispatch order: a dispatch round reads the head of
-- each key's queue through this index without walking the other keys' tasks, and the
-- once-a-second count of queued tasks per key reads it alone.
CREATE INDEX tasks_ready_fairness_idx ON tasks (fairness_key, priority DESC, seq)
    WHERE status = 'queued' AND fairness_key IS NOT NULL;
