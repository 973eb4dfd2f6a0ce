-- name: canon_campaigns
-- title: Campaigns: the canonical file's rows, then every marketing email
-- reads: stage_campaigns, stage_hs_email_campaigns
-- writes: canon_campaigns
-- parameters: email_role
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   campaign_id: the email
--   name: its name, else its subject, else HubSpot email and its id
--   channel: email
--   funnel_role: the email channel's funnel role
--   content: its subject
SELECT * FROM stage_campaigns
UNION ALL BY NAME
SELECT _file, _row, campaign_id, coalesce(name, subject, 'HubSpot email ' || campaign_id) AS name,
       'email' AS channel, $email_role AS funnel_role,
       subject AS content
FROM stage_hs_email_campaigns
