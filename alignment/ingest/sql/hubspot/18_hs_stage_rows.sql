-- name: hs_stage_rows
-- title: Every time a deal entered a stage: stage history rows, then dealstage property changes
-- reads: stage_hs_stage_entries, stage_hs_deal_changes
-- writes: hs_stage_rows
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   opportunity_id: the deal's id as exported
--   stage: the stage entered (an id or a label)
--   entered_at: when
SELECT _file, _row, opportunity_id, stage, entered_at FROM stage_hs_stage_entries
UNION ALL
SELECT _file, _row, object_id, value, changed_at FROM stage_hs_deal_changes
WHERE lower(property) = 'dealstage' AND value IS NOT NULL AND changed_at IS NOT NULL
