-- name: hs_contact_ids
-- title: Every contact id, and the person it is read as (a merged contact is the one it was merged into)
-- reads: hs_live_contacts, hs_merged_contacts
-- writes: hs_contact_ids
-- parameters:
-- columns:
--   source_id: a contact id as the exports write it
--   person_id: the person it is read as
SELECT person_id AS source_id, person_id FROM hs_live_contacts
WHERE person_id NOT IN (SELECT source_id FROM hs_merged_contacts)
UNION ALL SELECT source_id, person_id FROM hs_merged_contacts
