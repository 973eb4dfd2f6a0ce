-- name: acceptance_rate
-- title: Acceptance rate
-- definition: Of the quarter's MQLs that sales either accepted or rejected, the share it accepted (a lead rejected
--   and later accepted counts once, as accepted).
-- unit: percent
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter (the MQLs of the quarter: people whose MQL date is in it)
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs: people, mql_dates, sal_dates
-- uses:
-- measures: person_stage_dates
-- records: people mql
-- columns:
--   value: accepted / (accepted + rejected), as a fraction (empty when no MQL was accepted or rejected)
--   accepted: MQLs of the quarter with a SAL date (at any time)
--   rejected: MQLs of the quarter with a rejection date and no SAL date
WITH mqls AS (
  SELECT * FROM person_stages($backfill)
  WHERE mql_at >= $quarter_start AND mql_at < $quarter_end AND in_scope(region, segment, $region, $segment)
),
outcomes AS (
  SELECT count(*) FILTER (WHERE sal_at IS NOT NULL) AS accepted,
         count(*) FILTER (WHERE sal_at IS NULL AND rejected_at IS NOT NULL) AS rejected
  FROM mqls
),
final AS (
  SELECT CAST(accepted AS DOUBLE) / nullif(accepted + rejected, 0) AS value, accepted, rejected FROM outcomes
)
SELECT * FROM final
