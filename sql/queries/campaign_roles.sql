-- name: campaign_roles
-- title: Each campaign's channel and funnel role under the charter's awareness channels (campaign_role)
-- reads: campaigns, campaign_role
-- writes:
-- parameters: awareness_channels
-- columns:
--   campaign_id: the campaign
--   channel: its channel as the CRM wrote it
--   funnel_role: awareness or demand_gen
SELECT campaign_id, channel, campaign_role(funnel_role, channel, $awareness_channels) AS funnel_role FROM campaigns
