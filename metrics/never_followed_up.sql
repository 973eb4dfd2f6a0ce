-- name: never_followed_up
-- title: MQLs never followed up
-- definition: The quarter's MQLs that no one in sales has contacted since they became MQLs.
-- unit: count
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
-- records: people mql; never followed up; "Followed up" IS NULL
-- columns:
--   value: MQLs of the quarter with no sales activity at or after mql_at
WITH follow_ups AS (
  SELECT * FROM mql_follow_ups($backfill, $quarter_start, $quarter_end)
  WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) AS value FROM follow_ups WHERE followed_up_at IS NULL
)
SELECT * FROM final
