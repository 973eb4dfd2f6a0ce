-- name: canon_opportunity_stage_history
-- title: Stage history: the canonical file's rows, then one per deal and stage of the Salesforce history
-- reads: stage_opportunity_stage_history, stage_sf_stage_changes
-- writes: canon_opportunity_stage_history
-- parameters:
-- columns:
--   _file: the file of the first time the deal was seen in the stage
--   _row: its spreadsheet row
--   opportunity_id: the deal
--   stage: the stage (StageName, or a field history's new value)
--   entered_at: the first time the deal was seen in it
--   amount: the deal's amount then
SELECT * FROM stage_opportunity_stage_history
UNION ALL BY NAME
SELECT arg_min(_file, entered_at) AS _file, arg_min(_row, entered_at) AS _row, opportunity_id,
       coalesce(stage, new_value) AS stage, min(entered_at) AS entered_at, arg_min(amount, entered_at) AS amount
FROM stage_sf_stage_changes
WHERE (field IS NULL OR lower(field) = 'stagename') AND coalesce(stage, new_value) IS NOT NULL
GROUP BY opportunity_id, coalesce(stage, new_value)
