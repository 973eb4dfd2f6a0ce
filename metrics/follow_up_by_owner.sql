-- name: follow_up_by_owner
-- title: Follow-up by region and owner
-- definition: For each region and lead owner, how many of the quarter's MQLs were followed up, how fast, and how
--   many within the SLA.
-- unit: hours
-- owner: sales
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row per account region and person owner among the quarter's MQLs
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, sla_hours
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   region: the region of the MQL's account ('(none)' without one)
--   owner_id: the MQL's owner ('(none)' without one)
--   owner_name: the owner's name from users
--   mqls: MQLs of the quarter
--   followed_up: of them, followed up at any time
--   never_followed_up: of them, never followed up
--   median_hours: median hours to first follow-up over the followed-up ones
--   sla_met_share: followed up within sla_hours / mqls, as a fraction
WITH follow_ups AS (
  SELECT * FROM mql_follow_ups($backfill, $quarter_start, $quarter_end)
  WHERE in_scope(region, segment, $region, $segment)
),
by_owner AS (
  SELECT coalesce(f.region, '(none)') AS region, coalesce(f.owner_id, '(none)') AS owner_id,
         any_value(u.name) AS owner_name, count(*) AS mqls, count(f.followed_up_at) AS followed_up,
         count(*) - count(f.followed_up_at) AS never_followed_up, median(f.hours_to_follow_up) AS median_hours,
         count(*) FILTER (WHERE f.hours_to_follow_up <= $sla_hours) / count(*) AS sla_met_share
  FROM follow_ups f LEFT JOIN users u ON u.user_id = f.owner_id
  GROUP BY ALL
),
final AS (
  SELECT * FROM by_owner ORDER BY region, mqls DESC, owner_id
)
SELECT * FROM final
