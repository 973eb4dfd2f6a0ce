-- name: channel_roles
-- title: The funnel role of each channel given, under the charter's awareness channels (campaign_role of a campaign
--   with no role of its own)
-- reads: campaign_role
-- writes:
-- parameters: channels, awareness_channels
-- columns:
--   channel: a channel given
--   funnel_role: awareness or demand_gen
SELECT channel, campaign_role(NULL, channel, $awareness_channels) AS funnel_role
FROM unnest($channels::VARCHAR[]) AS given(channel)
