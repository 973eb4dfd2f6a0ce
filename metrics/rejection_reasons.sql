-- name: rejection_reasons
-- title: Why sales rejected MQLs
-- definition: The reasons sales gave for turning down the quarter's MQLs, with how many each reason covers.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row per rejection reason among the quarter's rejected MQLs
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   reason: the reason recorded with the person's first rejection ('(no reason given)' when empty)
--   people: rejected MQLs of the quarter (never accepted) with this reason
--   share: people / all rejected MQLs of the quarter, as a fraction
WITH rejected AS (
  SELECT coalesce(nullif(trim(rejection_reason), ''), '(no reason given)') AS reason
  FROM person_stages($backfill)
  WHERE mql_at >= $quarter_start AND mql_at < $quarter_end AND in_scope(region, segment, $region, $segment)
    AND rejected_at IS NOT NULL AND sal_at IS NULL
),
final AS (
  SELECT reason, count(*) AS people, count(*) / sum(count(*)) OVER () AS share
  FROM rejected GROUP BY reason ORDER BY people DESC, reason
)
SELECT * FROM final
