-- name: campaign_channels
-- title: Each campaign's channel, to add credited amounts up by channel
-- reads: campaigns
-- writes:
-- parameters:
-- columns:
--   campaign_id: the campaign
--   channel: its channel as the CRM wrote it
SELECT campaign_id, channel FROM campaigns
