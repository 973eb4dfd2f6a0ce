-- name: stage_changes_without_deal
-- title: no deal in the deals file has this id (or it is deleted); the stage change was left out
-- description: A stage history row or dealstage change of a deal the import does not hold.
-- severity: warning
-- reads: hs_stage_rows, hs_deal_ids
-- import_warning:
-- columns:
--   _file: the file the stage change came from
--   _row: its spreadsheet row
--   deal_id: the deal it names
SELECT _file, _row, opportunity_id AS deal_id FROM hs_stage_rows
WHERE opportunity_id NOT IN (SELECT source_id FROM hs_deal_ids) ORDER BY _file, _row
