-- A placement policy with effect 'budget' gives the tasks it matches a budget (issue 13):
-- JSON as a task's own budget (max_tokens, max_cost, currency, on_exceed); NULL for the
-- other effects.
ALTER TABLE placement_policies ADD COLUMN budget VARCHAR(2000);
ALTER TABLE placement_policy_versions ADD COLUMN budget VARCHAR(2000);
