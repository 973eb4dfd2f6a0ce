-- name: member_people_ids_unique
-- title: Every CampaignMember row with the person it belongs to, when every id is known once
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
-- The rows of member_people: a membership's person is that of its contact id when the contact id is known or the
-- lead id is not (or either is empty), else that of its lead id; and only a converted lead's id names another
-- person. The two lookups of ids are made only for rows holding both ids, and the one that changes an id reads the
-- converted leads alone, not every id (three times less work than two joins with every id).
WITH chosen AS (
  SELECT m._file, m._row, m.campaign_id,
         CASE WHEN m.lead_id IS NULL THEN m.contact_id WHEN m.contact_id IS NULL THEN m.lead_id
              WHEN known_contact.source_id IS NOT NULL OR known_lead.source_id IS NULL THEN m.contact_id
              ELSE m.lead_id END AS source_id,
         m.status, m.created_at, m.has_responded, m.first_responded_at
  FROM stage_sf_members m
  LEFT JOIN person_ids known_contact
    ON known_contact.source_id = CASE WHEN m.lead_id IS NOT NULL THEN m.contact_id END
  LEFT JOIN person_ids known_lead
    ON known_lead.source_id = CASE WHEN m.contact_id IS NOT NULL THEN m.lead_id END
  WHERE coalesce(m.contact_id, m.lead_id) IS NOT NULL)
SELECT c._file, c._row, c.campaign_id, coalesce(converted.person_id, c.source_id) AS person_id,
       c.status, c.created_at, c.has_responded, c.first_responded_at
FROM chosen c
LEFT JOIN (SELECT source_id, person_id FROM person_ids WHERE source_id IS DISTINCT FROM person_id) converted
  ON converted.source_id = c.source_id
