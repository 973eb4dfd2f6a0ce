-- name: rejected
-- title: Rejected MQLs
-- definition: The quarter's MQLs that sales turned down before contacting them and never accepted afterwards.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row for the quarter (the MQLs of the quarter: people whose MQL date is in it)
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs: people, mql_dates, rejections
-- uses:
-- measures: person_stage_dates
-- records: people mql; rejected by sales and never accepted; "Rejected" IS NOT NULL AND "SAL" IS NULL
-- columns:
--   value: MQLs of the quarter with a rejection date and no SAL date
WITH mqls AS (
  SELECT * FROM person_stages($backfill)
  WHERE mql_at >= $quarter_start AND mql_at < $quarter_end AND in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) AS value FROM mqls WHERE rejected_at IS NOT NULL AND sal_at IS NULL
)
SELECT * FROM final
