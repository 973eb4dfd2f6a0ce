-- name: hs_merged_contacts
-- title: Each contact id merged into another contact, and the contact it was merged into
-- reads: hs_live_contacts
-- writes: hs_merged_contacts
-- parameters:
-- columns:
--   source_id: the merged contact's id
--   person_id: the contact it was merged into (the first, when several list it)
SELECT trim(m.id) AS source_id, min(c.person_id) AS person_id
FROM hs_live_contacts c, unnest(regexp_split_to_array(c.merged_ids, '[;,]')) AS m(id)
WHERE trim(m.id) <> '' AND trim(m.id) <> c.person_id GROUP BY 1
