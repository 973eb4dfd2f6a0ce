-- name: canon_campaign_members
-- title: Campaign members: the canonical file's rows, then one per contact per email
-- reads: stage_campaign_members, hs_member_events, stage_hs_email_campaigns
-- writes: canon_campaign_members
-- parameters: response_events
-- columns:
--   _file: the first file of the contact's events
--   _row: its first spreadsheet row
--   campaign_id: the email
--   person_id: the contact
--   status: Clicked, Opened or Sent: the furthest the contact went (unfiltered events only)
--   created_at: the contact's first event
--   has_responded: whether the contact opened or clicked, unfiltered
--   first_responded_at: the contact's first unfiltered open or click
SELECT * FROM stage_campaign_members
UNION ALL BY NAME
SELECT min(_file) AS _file, min(_row) AS _row, campaign_id, person_id,
       CASE WHEN bool_or(event = 'CLICK' AND NOT coalesce(is_filtered, false)) THEN 'Clicked'
            WHEN bool_or(event = 'OPEN' AND NOT coalesce(is_filtered, false)) THEN 'Opened'
            ELSE 'Sent' END AS status,
       min(occurred_at) AS created_at,
       bool_or(event IN (SELECT unnest($response_events::VARCHAR[])) AND NOT coalesce(is_filtered, false))
         AS has_responded,
       min(occurred_at) FILTER (WHERE event IN (SELECT unnest($response_events::VARCHAR[]))
                                AND NOT coalesce(is_filtered, false)) AS first_responded_at
FROM hs_member_events
WHERE person_id IS NOT NULL AND campaign_id IN (SELECT campaign_id FROM stage_hs_email_campaigns)
GROUP BY campaign_id, person_id
