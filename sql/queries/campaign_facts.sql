-- name: campaign_facts
-- title: What the alignment quadrant knows of each campaign besides its numbers (DESIGN §4.7): its role, whether it
--   runs in the quarter, its members and which plain facts are filled in
-- reads: campaigns, campaign_members, campaign_spend, campaign_role
-- writes:
-- parameters: quarter_first_day, quarter_end_day, awareness_channels
-- columns:
--   campaign_id: the campaign
--   name: its name
--   channel: its channel as the CRM wrote it
--   funnel_role: awareness or demand_gen: the CRM's own role, else its channel's under the charter (campaign_role)
--   is_active: it runs on at least one day of the quarter (a missing date stands in for the other)
--   members: its members
--   members_with_response_date: its members with a first_responded_at
--   has_content: its content is filled in
--   has_targeting: its targeting is filled in
--   has_dates: both its start and end dates are
--   has_channel: its channel is
--   has_recorded_cost: a cost is recorded (actual cost or spend rows), not a budget standing in for it
--   is_program: it is the parent of other campaigns
WITH members AS (
  SELECT campaign_id, count(*) AS members, count(first_responded_at) AS members_with_response_date
  FROM campaign_members GROUP BY campaign_id),
spend AS (
  SELECT DISTINCT campaign_id FROM campaign_spend),
programs AS (
  SELECT DISTINCT parent_campaign_id AS campaign_id FROM campaigns WHERE parent_campaign_id IS NOT NULL),
final AS (
  SELECT c.campaign_id, c.name, c.channel,
         campaign_role(c.funnel_role, c.channel, $awareness_channels) AS funnel_role,
         coalesce(coalesce(c.start_date, c.end_date) < $quarter_end_day
                  AND coalesce(c.end_date, c.start_date) >= $quarter_first_day, false) AS is_active,
         coalesce(m.members, 0) AS members,
         coalesce(m.members_with_response_date, 0) AS members_with_response_date,
         coalesce(trim(c.content), '') <> '' AS has_content,
         coalesce(trim(c.targeting), '') <> '' AS has_targeting,
         c.start_date IS NOT NULL AND c.end_date IS NOT NULL AS has_dates,
         coalesce(trim(c.channel), '') <> '' AS has_channel,
         c.actual_cost IS NOT NULL OR s.campaign_id IS NOT NULL AS has_recorded_cost,
         p.campaign_id IS NOT NULL AS is_program
  FROM campaigns c LEFT JOIN members m USING (campaign_id) LEFT JOIN spend s USING (campaign_id)
  LEFT JOIN programs p USING (campaign_id))
SELECT * FROM final ORDER BY campaign_id
