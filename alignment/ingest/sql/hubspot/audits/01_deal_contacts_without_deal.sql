-- name: deal_contacts_without_deal
-- title: no deal in the deals file has this id (or it is deleted); the association was left out
-- description: A deal-contact association naming a deal the import does not hold.
-- severity: warning
-- reads: stage_hs_deal_contacts, hs_deal_ids
-- import_warning:
-- columns:
--   _file: the file the association came from
--   _row: its spreadsheet row
--   deal_id: the deal it names
SELECT _file, _row, from_id AS deal_id FROM stage_hs_deal_contacts
WHERE from_id NOT IN (SELECT source_id FROM hs_deal_ids) ORDER BY _file, _row
