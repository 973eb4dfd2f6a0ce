-- name: disqualification_reasons
-- title: Why sales disqualified MQLs
-- definition: The reasons sales gave for disqualifying the quarter's MQLs after contact, with how many each reason
--   covers.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row per disqualification reason among the quarter's disqualified MQLs
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   reason: the reason recorded with the person's first disqualification ('(no reason given)' when empty)
--   people: disqualified MQLs of the quarter with this reason
--   share: people / all disqualified MQLs of the quarter, as a fraction
WITH disqualified AS (
  SELECT coalesce(nullif(trim(disqualification_reason), ''), '(no reason given)') AS reason
  FROM person_stages($backfill)
  WHERE mql_at >= $quarter_start AND mql_at < $quarter_end AND in_scope(region, segment, $region, $segment)
    AND disqualified_at IS NOT NULL
),
final AS (
  SELECT reason, count(*) AS people, count(*) / sum(count(*)) OVER () AS share
  FROM disqualified GROUP BY reason ORDER BY people DESC, reason
)
SELECT * FROM final
