-- name: canon_people
-- title: People: the canonical file's rows, then one per surviving contact
-- reads: stage_people, hs_live_contacts, hs_contact_company, hs_merged_contacts, hs_owner_keys
-- writes: canon_people
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   person_id: the contact
--   kind: contact (HubSpot keeps no separate leads)
--   account_id: the first company listed on the contact, else its primary association
--   title: its job title
--   persona: its persona
--   lead_source: its original source
--   owner_id: its owner's id (an owner named by name or email address is read as the owner's id)
--   created_at: when it was created
--   converted_at: empty (no lead conversion)
--   converted_opportunity_id: empty (no lead conversion)
--   country: its country
SELECT * FROM stage_people
UNION ALL BY NAME
SELECT c._file, c._row, c.person_id, 'contact' AS kind,
       coalesce(NULLIF(trim(regexp_split_to_array(c.account_id, '[;,]')[1]), ''), cc.account_id) AS account_id,
       c.title, c.persona, c.lead_source, coalesce(k.user_id, c.owner_id) AS owner_id, c.created_at,
       NULL::TIMESTAMP AS converted_at, NULL::VARCHAR AS converted_opportunity_id, c.country
FROM hs_live_contacts c LEFT JOIN hs_contact_company cc USING (person_id)
LEFT JOIN hs_owner_keys k ON k.key = lower(trim(c.owner_id))
WHERE c.person_id NOT IN (SELECT source_id FROM hs_merged_contacts)
