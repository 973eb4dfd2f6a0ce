-- name: touches
-- title: Campaign touches
-- grain: one row per responded campaign membership (a person's response to a campaign)
-- reads: campaign_members, campaigns
-- columns:
--   campaign_id: the campaign responded to
--   person_id: who responded
--   touch_at: when: the first response, else when the person was added to the campaign (DESIGN §4.4)
--   channel: the campaign's channel, as the CRM wrote it (its funnel role is the charter's, at query time:
--     campaign_role)
SELECT m.campaign_id, m.person_id, coalesce(m.first_responded_at, m.created_at) AS touch_at, c.channel
FROM campaign_members m JOIN campaigns c USING (campaign_id)
WHERE m.has_responded
ORDER BY m.person_id
