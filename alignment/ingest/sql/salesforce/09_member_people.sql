-- name: member_people
-- title: Every CampaignMember row with the person it belongs to
-- reads: stage_sf_members, person_ids
-- writes: sf_member_people
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   campaign_id: the campaign
--   person_id: the person of its contact id, else of its lead id (a converted lead is its contact)
--   status: the member status
--   created_at: when the person was added to the campaign
--   has_responded: whether the person responded
--   first_responded_at: when the person first responded
-- A converted lead and its contact may both be members of one campaign: one person, one touch. A row is here twice
-- when its id is known twice, as the merge (member_people_merged) would see it.
SELECT m._file, m._row, m.campaign_id, coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id) AS person_id,
       m.status, m.created_at, m.has_responded, m.first_responded_at
FROM stage_sf_members m
LEFT JOIN person_ids pc ON pc.source_id = m.contact_id
LEFT JOIN person_ids pl ON pl.source_id = m.lead_id
WHERE coalesce(m.contact_id, m.lead_id) IS NOT NULL
