-- name: awareness_sourced_inquiries
-- title: Awareness-sourced inquiries
-- definition: New people (inquiries) in the quarter whose first response to any campaign was to an awareness
--   campaign.
-- unit: count
-- owner: marketing
-- funnel_role: awareness
-- direction: up
-- pairs_with: sqls
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, awareness_channels
-- columns:
--   value: inquiries of the quarter whose earliest responded touch (ties by campaign id) is an awareness campaign
WITH inquiries AS (
  SELECT p.person_id
  FROM people p LEFT JOIN accounts a ON a.account_id = p.account_id
  WHERE p.created_at >= $quarter_start AND p.created_at < $quarter_end
    AND in_scope(a.region, a.segment, $region, $segment)
),
first_touches AS (
  -- The first touch's campaign, then its role: cheaper than carrying the role through the aggregate (a touch's
  -- channel and funnel role are its campaign's). A join, not `IN (subquery)`, so that evaluating several quarters
  -- at once does not pair every touch with every quarter.
  SELECT t.person_id, arg_min(t.campaign_id, (t.touch_at, t.campaign_id)) AS first_campaign_id
  FROM inquiries i JOIN touches t ON t.person_id = i.person_id
  WHERE t.touch_at IS NOT NULL
  GROUP BY t.person_id
),
first_touch_roles AS (
  SELECT f.person_id, campaign_role(c.funnel_role, c.channel, $awareness_channels) AS first_touch_role
  FROM first_touches f JOIN campaigns c ON c.campaign_id = f.first_campaign_id
),
final AS (
  SELECT count(*) AS value FROM first_touch_roles WHERE first_touch_role = 'awareness'
)
SELECT * FROM final
