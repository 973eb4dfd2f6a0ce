-- name: canon_campaigns
-- title: Campaigns: the canonical file's rows, then every marketing email
-- reads: stage_campaigns, stage_hs_email_campaigns
-- writes: canon_campaigns
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   campaign_id: the email
--   name: its name, else its subject, else HubSpot email and its id
--   channel: email
--   funnel_role: empty (HubSpot gives an email no funnel role): the charter's channel roles decide it when a number
--      is asked for
--   objective: empty (an email says none)
--   content: its subject
--   targeting: empty (an email says none)
--   start_date: empty (an email says none)
--   end_date: empty (an email says none)
--   budgeted_cost: empty (an email says none)
--   actual_cost: empty (an email says none)
--   parent_campaign_id: empty (an email says none)
--   owner_id: empty (an email says none)
--   sales_sponsor_id: empty (an email says none)
--   currency: empty (an email has no cost)
SELECT * FROM stage_campaigns
UNION ALL BY NAME
SELECT _file, _row, campaign_id, coalesce(name, subject, 'HubSpot email ' || campaign_id) AS name,
       'email' AS channel, subject AS content
FROM stage_hs_email_campaigns
