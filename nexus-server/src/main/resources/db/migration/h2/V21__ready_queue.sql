-- H2 has no partial indexes; tasks_dispatch_priority_idx and tasks_dispatch_age_idx
-- (V4) serve its single node. This version exists so that both databases share one
-- version history.
SELECT 1;
