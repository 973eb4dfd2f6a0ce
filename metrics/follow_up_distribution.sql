-- name: follow_up_distribution
-- title: Time to first follow-up
-- definition: How quickly sales first contacted the quarter's MQLs, in time bands from within an hour to never.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row per time band holding at least one MQL of the quarter
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, sla_hours
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   band: time from mql_at to the first follow-up (upper bounds inclusive), or 'never'
--   band_order: 1 (fastest) to 6 (never), for sorting
--   people: MQLs of the quarter in the band
--   share: people / all MQLs of the quarter, as a fraction
--   within_sla: MQLs of the band followed up within sla_hours
WITH follow_ups AS (
  SELECT * FROM mql_follow_ups($backfill, $quarter_start, $quarter_end)
  WHERE in_scope(region, segment, $region, $segment)
),
banded AS (
  SELECT CASE WHEN followed_up_at IS NULL THEN 6 WHEN hours_to_follow_up <= 1 THEN 1
              WHEN hours_to_follow_up <= 4 THEN 2 WHEN hours_to_follow_up <= 24 THEN 3
              WHEN hours_to_follow_up <= 72 THEN 4 ELSE 5 END AS band_order,
         hours_to_follow_up
  FROM follow_ups
),
final AS (
  SELECT ['up to 1 h', '1 to 4 h', '4 to 24 h', '24 to 72 h', 'over 72 h', 'never'][band_order] AS band, band_order,
         count(*) AS people, count(*) / sum(count(*)) OVER () AS share,
         count(*) FILTER (WHERE hours_to_follow_up <= $sla_hours) AS within_sla
  FROM banded GROUP BY band_order ORDER BY band_order
)
SELECT * FROM final
