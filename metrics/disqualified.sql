-- name: disqualified
-- title: Disqualified MQLs
-- definition: The quarter's MQLs that sales disqualified after contacting them.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row for the quarter (the MQLs of the quarter: people whose MQL date is in it)
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs: people, mql_dates, disqualifications
-- uses:
-- measures: person_stage_dates
-- records: people mql; disqualified by sales; "Disqualified" IS NOT NULL
-- columns:
--   value: MQLs of the quarter with a disqualification date (at any time)
WITH mqls AS (
  SELECT * FROM person_stages($backfill)
  WHERE mql_at >= $quarter_start AND mql_at < $quarter_end AND in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) AS value FROM mqls WHERE disqualified_at IS NOT NULL
)
SELECT * FROM final
