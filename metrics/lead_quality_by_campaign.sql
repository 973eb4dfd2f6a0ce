-- name: lead_quality_by_campaign
-- title: Lead quality by campaign
-- definition: For each campaign that touched the quarter's MQLs before they became MQLs, how many of those MQLs
--   were sales-ready.
-- unit: percent
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: acceptance_rate
-- grain: one row per campaign with a responded touch at or before the mql_at of an MQL of the quarter
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, backfill, interest_window_days, interest_touches,
--   sales_ready_personas
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   campaign_id: the campaign
--   campaign_name: its name
--   channel: its channel
--   mqls: MQLs of the quarter the campaign touched at or before their mql_at
--   sales_ready_mqls: of them, sales-ready
--   lead_quality: sales_ready_mqls / mqls, as a fraction
WITH touched AS (
  SELECT campaign_id, channel, person_id, is_sales_ready
  FROM touched_mqls($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                    $sales_ready_personas)
  WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT t.campaign_id, any_value(c.name) AS campaign_name, any_value(t.channel) AS channel,
         count(DISTINCT t.person_id) AS mqls,
         count(DISTINCT t.person_id) FILTER (WHERE t.is_sales_ready) AS sales_ready_mqls,
         count(DISTINCT t.person_id) FILTER (WHERE t.is_sales_ready) / count(DISTINCT t.person_id) AS lead_quality
  FROM touched t LEFT JOIN campaigns c ON c.campaign_id = t.campaign_id
  GROUP BY t.campaign_id ORDER BY mqls DESC, t.campaign_id
)
SELECT * FROM final
