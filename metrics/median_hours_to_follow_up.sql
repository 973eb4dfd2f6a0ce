-- name: median_hours_to_follow_up
-- title: Median hours to follow-up
-- definition: How long sales typically (median) took to first contact an MQL of the quarter, over the MQLs that
--   were contacted at all.
-- unit: hours
-- owner: sales
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row for the quarter (the MQLs of the quarter: people whose MQL date is in it)
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs: people, mql_dates, sales_activities
-- uses:
-- measures: person_stage_dates
-- records: people mql
-- columns:
--   value: median hours from mql_at to the first sales activity at or after it (empty when none was followed up)
--   followed_up: MQLs of the quarter with a follow-up (at any time, even after the quarter)
WITH follow_ups AS (
  SELECT * FROM mql_follow_ups($backfill, $quarter_start, $quarter_end)
  WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT median(hours_to_follow_up) AS value, count(followed_up_at) AS followed_up FROM follow_ups
)
SELECT * FROM final
