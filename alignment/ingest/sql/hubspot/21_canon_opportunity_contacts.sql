-- name: canon_opportunity_contacts
-- title: Opportunity contacts: the canonical file's rows, then one row per deal and contact
-- reads: stage_opportunity_contacts, hs_deal_contact_rows, hs_deal_ids, hs_contact_ids
-- writes: canon_opportunity_contacts
-- parameters:
-- columns:
--   _file: the first file linking them
--   _row: its first spreadsheet row linking them
--   opportunity_id: the deal
--   person_id: the contact (a merged contact is the one it was merged into)
--   role: the first association label
--   is_primary: false (HubSpot marks no primary contact)
SELECT * FROM stage_opportunity_contacts
UNION ALL BY NAME
SELECT min(r._file) AS _file, min(r._row) AS _row, i.opportunity_id, coalesce(p.person_id, r.contact_id)
         AS person_id, min(r.label) AS role, false AS is_primary
FROM hs_deal_contact_rows r JOIN hs_deal_ids i ON i.source_id = r.deal_id
LEFT JOIN hs_contact_ids p ON p.source_id = r.contact_id
GROUP BY i.opportunity_id, coalesce(p.person_id, r.contact_id)
