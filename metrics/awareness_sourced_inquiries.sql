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
  SELECT t.person_id,
         arg_min(campaign_role(t.funnel_role, t.channel, $awareness_channels), (t.touch_at, t.campaign_id))
           AS first_touch_role
  FROM touches t
  WHERE t.touch_at IS NOT NULL AND t.person_id IN (SELECT person_id FROM inquiries)
  GROUP BY t.person_id
),
final AS (
  SELECT count(*) AS value FROM first_touches WHERE first_touch_role = 'awareness'
)
SELECT * FROM final
