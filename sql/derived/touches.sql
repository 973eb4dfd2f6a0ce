-- name: touches
-- title: Campaign touches
-- grain: one row per responded campaign membership (a person's response to a campaign)
-- reads: campaign_members, campaigns, people
-- columns:
--   campaign_id: the campaign responded to
--   person_id: who responded
--   touch_at: when: the first response, else when the person was added to the campaign (DESIGN §4.4)
--   channel: the campaign's channel, as the CRM wrote it (its funnel role is the charter's, at query time:
--     campaign_role)
--   account_id: the person's account (empty for a lead not converted, or a person the export does not hold)
--   persona: the person's persona, as the CRM wrote it (persona_key puts it in its normal form at query time)
-- Each touch's account and persona are stored here, once per import, so that account engagement reads them without
-- joining the touches to people at every query.
SELECT m.campaign_id, m.person_id, coalesce(m.first_responded_at, m.created_at) AS touch_at, c.channel,
       p.account_id, p.persona
FROM campaign_members m JOIN campaigns c USING (campaign_id) LEFT JOIN people p ON p.person_id = m.person_id
WHERE m.has_responded
ORDER BY m.person_id
