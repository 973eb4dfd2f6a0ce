-- name: deals_won_by_stage_name
-- title: deal(s) had no closed/won flags (no Is Closed Won column, no pipeline stage file row): closed and won were
--    read from a stage named Closed Won / Closed Lost
-- description: Without HubSpot's own flags a deal is closed, and won, by its stage's name.
-- severity: info
-- reads: hs_deals_read
-- import_warning:
-- columns:
--   _file: the file the deal came from
--   _row: its spreadsheet row
--   opportunity_id: the deal
SELECT _file, _row, opportunity_id FROM hs_deals_read
WHERE (flag_closed IS NULL OR flag_won IS NULL) AND stage_word IN ('closedwon', 'closedlost')
