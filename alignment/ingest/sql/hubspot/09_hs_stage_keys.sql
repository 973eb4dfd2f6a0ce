-- name: hs_stage_keys
-- title: Deal stages by id or label: the pipeline stage file's labels and flags, else HubSpot's default pipeline
-- reads: stage_hs_stages
-- writes: hs_stage_keys
-- parameters: default_stage_ids, default_stage_labels, default_stage_closed, default_stage_won
-- columns:
--   key: a stage's id or label in lower case
--   label: the stage's label
--   is_closed: whether a deal in it is closed (empty when labels that read alike disagree)
--   is_won: whether a deal in it is won (empty when labels that read alike disagree)
WITH stages AS (SELECT * FROM stage_hs_stages WHERE NOT coalesce(is_deleted, false)),
by_id AS (SELECT lower(stage_id) AS key, arg_min(coalesce(label, stage_id), _row) AS label,
                 arg_min(is_closed, _row) AS is_closed, arg_min(is_won, _row) AS is_won
          FROM stages GROUP BY 1),
by_label AS (SELECT lower(label) AS key, min(label) AS label,
                    CASE WHEN count(DISTINCT is_closed) = 1 THEN min(is_closed) END AS is_closed,
                    CASE WHEN count(DISTINCT is_won) = 1 THEN min(is_won) END AS is_won
             FROM stages WHERE label IS NOT NULL AND lower(label) NOT IN (SELECT key FROM by_id) GROUP BY 1),
defaults AS (SELECT unnest($default_stage_ids::VARCHAR[]) AS key,
                    unnest($default_stage_labels::VARCHAR[]) AS label,
                    unnest($default_stage_closed::BOOLEAN[]) AS is_closed,
                    unnest($default_stage_won::BOOLEAN[]) AS is_won)
SELECT * FROM by_id UNION ALL SELECT * FROM by_label
UNION ALL SELECT * FROM defaults
WHERE key NOT IN (SELECT key FROM by_id UNION ALL SELECT key FROM by_label)
