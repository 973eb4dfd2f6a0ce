-- name: campaign_names
-- title: Each campaign's name, to show credited amounts by name
-- reads: campaigns
-- writes:
-- parameters:
-- columns:
--   campaign_id: the campaign
--   name: its name
SELECT campaign_id, name FROM campaigns
