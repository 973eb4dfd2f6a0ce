-- name: email_events_without_campaign
-- title: no email campaign has this id; the email event was left out
-- description: An email event of a contact naming no email campaign the import holds.
-- severity: warning
-- reads: hs_member_events, stage_hs_email_campaigns
-- import_warning:
-- columns:
--   _file: the file the event came from
--   _row: its spreadsheet row
--   email_campaign_id: the email campaign it names
SELECT _file, _row, campaign_id AS email_campaign_id FROM hs_member_events
WHERE person_id IS NOT NULL
  AND (campaign_id IS NULL OR campaign_id NOT IN (SELECT campaign_id FROM stage_hs_email_campaigns))
ORDER BY _file, _row
