-- name: deal_stage_entries
-- title: Each deal's first entry into each open stage of the stage history (stages that closed deals stand at are
--   the won and lost outcomes, not open stages); names that differ only in case, spaces, hyphens or underscores are
--   one stage
-- arguments:
-- returns: table
-- reads: opportunities, opportunity_stage_history, name_key
-- columns:
--   opportunity_id: the deal
--   stage_key: the stage's normal form (name_key)
--   stage: the stage as the history writes it
--   entered_at: the deal's first entry into it
WITH closed_stages AS (
  SELECT DISTINCT name_key(stage) AS stage_key FROM opportunities WHERE is_closed AND name_key(stage) IS NOT NULL
)
SELECT opportunity_id, name_key(stage) AS stage_key, min(trim(stage)) AS stage, min(entered_at) AS entered_at
FROM opportunity_stage_history
WHERE name_key(stage) IS NOT NULL AND name_key(stage) NOT IN (SELECT stage_key FROM closed_stages)
GROUP BY ALL
