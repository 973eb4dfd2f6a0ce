-- name: member_people_merged
-- title: One membership per person and campaign: rows of one person in one campaign merged
-- reads: stage_sf_members, person_ids
-- writes: sf_member_people
-- parameters:
-- columns:
--   _file: the file of the first row merged
--   _row: its spreadsheet row
--   campaign_id: the campaign
--   person_id: the person of the rows' contact id, else of their lead id (a converted lead is its contact)
--   status: the status of a row that responded, if any
--   created_at: when the person was first added to the campaign
--   has_responded: whether any of the rows responded
--   first_responded_at: the first response
SELECT arg_min(m._file, m._row) AS _file, min(m._row) AS _row, m.campaign_id,
       coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id) AS person_id,
       arg_max(m.status, m.has_responded) AS status, min(m.created_at) AS created_at,
       bool_or(m.has_responded) AS has_responded,
       min(m.first_responded_at) AS first_responded_at
FROM stage_sf_members m
LEFT JOIN person_ids pc ON pc.source_id = m.contact_id
LEFT JOIN person_ids pl ON pl.source_id = m.lead_id
WHERE coalesce(m.contact_id, m.lead_id) IS NOT NULL
GROUP BY m.campaign_id, coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id)
