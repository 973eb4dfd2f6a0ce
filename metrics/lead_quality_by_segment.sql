-- name: lead_quality_by_segment
-- title: Lead quality by segment
-- definition: For each account segment, how many of the quarter's MQLs were sales-ready.
-- unit: percent
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: acceptance_rate
-- grain: one row per account segment among the quarter's MQLs
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, interest_window_days, interest_touches,
--   sales_ready_personas
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   segment: the segment of the MQL's account ('(none)' without an account or segment)
--   mqls: MQLs of the quarter
--   sales_ready_mqls: of them, sales-ready
--   lead_quality: sales_ready_mqls / mqls, as a fraction
WITH mqls AS (
  SELECT * FROM period_mql_quality($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                                   $sales_ready_personas)
  WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT coalesce(segment, '(none)') AS segment, count(*) AS mqls,
         count(*) FILTER (WHERE is_sales_ready) AS sales_ready_mqls,
         count(*) FILTER (WHERE is_sales_ready) / count(*) AS lead_quality
  FROM mqls GROUP BY ALL ORDER BY mqls DESC, segment
)
SELECT * FROM final
