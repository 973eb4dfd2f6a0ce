-- name: forget_derived_campaign_roles
-- title: Before format 6 an import stored each campaign's role, its channel's under the default awareness channels
--   when the CRM gave none, so the charter's channels could not change it; keep only roles that differ from that
--   default (the CRM's own for certain: a role the CRM gave that agrees with the default is forgotten too, and then
--   follows the charter like the others)
-- reads: campaigns, campaign_role
-- writes: campaigns
-- parameters: default_awareness_channels
-- columns:
--   funnel_role: the role the CRM gave, else empty
UPDATE campaigns SET funnel_role = NULL
WHERE funnel_role = campaign_role(NULL, channel, $default_awareness_channels)
