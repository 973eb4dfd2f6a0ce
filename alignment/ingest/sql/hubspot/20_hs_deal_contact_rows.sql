-- name: hs_deal_contact_rows
-- title: Every deal-contact link: association rows, then the contact ids listed on a deal
-- reads: stage_hs_deal_contacts, stage_hs_deals
-- writes: hs_deal_contact_rows
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   deal_id: the deal's id as exported
--   contact_id: the contact's id as exported
--   label: the association's label
SELECT _file, _row, from_id AS deal_id, to_id AS contact_id, label FROM stage_hs_deal_contacts
UNION ALL
SELECT d._file, d._row, d.opportunity_id, trim(c.id), NULL
FROM stage_hs_deals d, unnest(regexp_split_to_array(d.contact_ids, '[;,]')) AS c(id)
WHERE trim(c.id) <> ''
