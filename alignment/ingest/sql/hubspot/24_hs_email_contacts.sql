-- name: hs_email_contacts
-- title: Each email address of a contact, and the person it belongs to
-- reads: hs_live_contacts, hs_contact_ids
-- writes: hs_email_contacts
-- parameters:
-- columns:
--   email: the address, trimmed and in lower case
--   person_id: the person (the first by id, when several contacts share it)
SELECT lower(trim(email)) AS email, min(i.person_id) AS person_id
FROM hs_live_contacts c JOIN hs_contact_ids i ON i.source_id = c.person_id
WHERE email IS NOT NULL GROUP BY 1
