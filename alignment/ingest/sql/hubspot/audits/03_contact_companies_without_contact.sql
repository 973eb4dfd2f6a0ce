-- name: contact_companies_without_contact
-- title: no contact in the contacts file has this id (or it is deleted); the association was left out
-- description: A contact-company association naming a contact the import does not hold.
-- severity: warning
-- reads: stage_hs_contact_companies, hs_contact_ids
-- import_warning:
-- columns:
--   _file: the file the association came from
--   _row: its spreadsheet row
--   contact_id: the contact it names
SELECT _file, _row, from_id AS contact_id FROM stage_hs_contact_companies
WHERE from_id NOT IN (SELECT source_id FROM hs_contact_ids) ORDER BY _file, _row
