-- name: person_ids
-- title: Every id a lead or contact is known by, and the person it belongs to
-- reads: stage_sf_contacts, stage_sf_leads
-- writes: person_ids
-- parameters:
-- columns:
--   source_id: a contact's or a lead's id as the exports write it
--   person_id: the person it belongs to: a converted lead is its contact
SELECT person_id AS source_id, person_id FROM stage_sf_contacts
UNION ALL
SELECT person_id, coalesce(converted_contact_id, person_id) FROM stage_sf_leads
