-- H2 keeps V4's indexes (it has no partial ones); this version exists so that both
-- databases share one version history.
SELECT 1;
