-- name: canon_opportunity_stage_history
-- title: Stage history: the canonical file's rows, then one row per deal and stage, at the first time it entered
-- reads: stage_opportunity_stage_history, hs_stage_rows, hs_deal_ids, hs_stage_keys
-- writes: canon_opportunity_stage_history
-- parameters:
-- columns:
--   _file: the file of the first time the deal entered the stage
--   _row: its spreadsheet row
--   opportunity_id: the deal
--   stage: the stage's label
--   entered_at: the first time the deal entered it
--   amount: the deal's amount then (not exported)
SELECT * FROM stage_opportunity_stage_history
UNION ALL BY NAME
SELECT arg_min(h._file, h.entered_at) AS _file, arg_min(h._row, h.entered_at) AS _row,
       i.opportunity_id, coalesce(st.label, h.stage) AS stage, min(h.entered_at) AS entered_at,
       NULL::DOUBLE AS amount
FROM hs_stage_rows h JOIN hs_deal_ids i ON i.source_id = h.opportunity_id
LEFT JOIN hs_stage_keys st ON st.key = lower(h.stage)
WHERE h.stage IS NOT NULL
GROUP BY i.opportunity_id, coalesce(st.label, h.stage)
