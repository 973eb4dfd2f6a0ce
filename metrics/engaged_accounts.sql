-- name: engaged_accounts
-- title: Most engaged accounts
-- definition: The companies whose people responded to our campaigns most often in the quarter, most recent first
--   among equals, for sales to act on.
-- unit: count
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per account with a responded touch in the quarter, the 100 most engaged
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, time_zone
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   account_id: the account
--   account_name: its name
--   is_target_account: whether sales targets it
--   responded_touches: responded campaign memberships of its people dated in the quarter
--   people_engaged: distinct people behind them
--   last_touch_at: the latest of those touches
--   days_since_last_touch: days from that touch to the end of the quarter
WITH quarter_touches AS (
  SELECT * FROM touches
  WHERE touch_at >= $quarter_start AND touch_at < $quarter_end AND account_id IS NOT NULL
),
final AS (
  SELECT q.account_id, any_value(a.account_name) AS account_name,
         coalesce(any_value(a.is_target_account), false) AS is_target_account,
         count(*) AS responded_touches, count(DISTINCT q.person_id) AS people_engaged,
         max(q.touch_at) AS last_touch_at,
         days_between(max(q.touch_at), $quarter_end, $time_zone) AS days_since_last_touch
  FROM quarter_touches q LEFT JOIN accounts a ON a.account_id = q.account_id
  WHERE in_scope(a.region, a.segment, $region, $segment)
  GROUP BY q.account_id
  ORDER BY responded_touches DESC, last_touch_at DESC, q.account_id
  LIMIT 100
)
SELECT * FROM final
