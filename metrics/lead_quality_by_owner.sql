-- name: lead_quality_by_owner
-- title: Lead quality by owner
-- definition: For each lead owner, how many of the quarter's MQLs they own were sales-ready.
-- unit: percent
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: acceptance_rate
-- grain: one row per person owner among the quarter's MQLs
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, interest_window_days, interest_touches,
--   sales_ready_personas
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   owner_id: the MQL's owner ('(none)' without one)
--   owner_name: the owner's name from users
--   mqls: MQLs of the quarter
--   sales_ready_mqls: of them, sales-ready
--   lead_quality: sales_ready_mqls / mqls, as a fraction
WITH mqls AS (
  SELECT * FROM period_mql_quality($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                                   $sales_ready_personas)
  WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT coalesce(m.owner_id, '(none)') AS owner_id, any_value(u.name) AS owner_name, count(*) AS mqls,
         count(*) FILTER (WHERE m.is_sales_ready) AS sales_ready_mqls,
         count(*) FILTER (WHERE m.is_sales_ready) / count(*) AS lead_quality
  FROM mqls m LEFT JOIN users u ON u.user_id = m.owner_id
  GROUP BY 1 ORDER BY mqls DESC, owner_id
)
SELECT * FROM final
