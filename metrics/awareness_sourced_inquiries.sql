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
-- needs: people, touches
-- uses:
-- measures: person_stage_dates
-- records: people inquiry; first touched by an awareness campaign; "First-touch role" = 'awareness'
-- columns:
--   value: inquiries of the quarter whose earliest responded touch (ties by campaign id) is an awareness campaign
WITH inquiries AS (
  -- Each person's first touch (ties by campaign id) is found at import; only its role depends on the charter.
  SELECT first_touch_campaign_id FROM person_stage_dates
  WHERE inquiry_at >= $quarter_start AND inquiry_at < $quarter_end AND in_scope(region, segment, $region, $segment)
),
first_touch_roles AS (
  SELECT campaign_role(c.funnel_role, c.channel, $awareness_channels) AS first_touch_role
  FROM inquiries i JOIN campaigns c ON c.campaign_id = i.first_touch_campaign_id
),
final AS (
  SELECT count(*) AS value FROM first_touch_roles WHERE first_touch_role = 'awareness'
)
SELECT * FROM final
