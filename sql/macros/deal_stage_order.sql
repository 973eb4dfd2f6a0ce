-- name: deal_stage_order
-- title: The open stages in the order the stage history shows: each stage's median position among the stages a deal
--   entered, by first entry; ties by mean position, then name
-- arguments:
-- returns: table
-- reads: deal_stage_entries
-- columns:
--   stage_key: the stage's normal form (name_key)
--   stage: the stage as the history writes it
--   stage_order: 1, 2, … in that order
WITH positions AS (
  SELECT stage_key, stage, dense_rank() OVER (PARTITION BY opportunity_id ORDER BY entered_at) AS position
  FROM deal_stage_entries()
)
SELECT stage_key, min(stage) AS stage,
       row_number() OVER (ORDER BY median(position), avg(position), stage_key) AS stage_order
FROM positions GROUP BY stage_key
