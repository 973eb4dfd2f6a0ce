-- name: lead_quality_by_channel
-- title: Lead quality by channel
-- definition: For each channel whose campaigns touched the quarter's MQLs before they became MQLs, how many of
--   those MQLs were sales-ready.
-- unit: percent
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: acceptance_rate
-- grain: one row per campaign channel with a responded touch at or before the mql_at of an MQL of the quarter
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, interest_window_days, interest_touches,
--   sales_ready_personas
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   channel: the campaign channel
--   mqls: MQLs of the quarter touched by the channel at or before their mql_at (each person once per channel)
--   sales_ready_mqls: of them, sales-ready
--   lead_quality: sales_ready_mqls / mqls, as a fraction
WITH touched AS (
  SELECT DISTINCT channel, person_id, is_sales_ready
  FROM touched_mqls($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                    $sales_ready_personas)
  WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT channel, count(*) AS mqls, count(*) FILTER (WHERE is_sales_ready) AS sales_ready_mqls,
         count(*) FILTER (WHERE is_sales_ready) / count(*) AS lead_quality
  FROM touched GROUP BY channel ORDER BY mqls DESC, channel
)
SELECT * FROM final
