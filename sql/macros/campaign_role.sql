-- name: campaign_role
-- title: A campaign's funnel role (DESIGN §3.1): the role the CRM gave it, else its channel's under the charter's
--   awareness channels (in their normal form), so that the charter decides at query time; a channel's own role is
--   campaign_role(NULL, channel, awareness_channels)
-- arguments: own_role, channel, awareness_channels
-- returns: scalar
-- reads: name_key
-- columns:
coalesce(own_role, CASE WHEN list_contains(awareness_channels, name_key(channel)) THEN 'awareness'
                        ELSE 'demand_gen' END)
