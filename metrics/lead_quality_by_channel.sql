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
WITH mqls AS (
  SELECT * FROM period_mql_quality($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                                   $sales_ready_personas)
  WHERE in_scope(region, segment, $region, $segment)
),
touched AS (
  SELECT DISTINCT t.channel, m.person_id, m.is_sales_ready
  FROM mqls m JOIN touches t ON t.person_id = m.person_id AND t.touch_at <= m.mql_at
),
final AS (
  SELECT channel, count(*) AS mqls, count(*) FILTER (WHERE is_sales_ready) AS sales_ready_mqls,
         count(*) FILTER (WHERE is_sales_ready) / count(*) AS lead_quality
  FROM touched GROUP BY channel ORDER BY mqls DESC, channel
)
SELECT * FROM final
