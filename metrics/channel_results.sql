-- name: channel_results
-- title: Channel results
-- definition: For each channel, what its campaigns cost in the quarter, the sales-ready MQLs they touched, and the
--   pipeline and bookings the model of record credits to them.
-- unit: currency
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per channel with cost, touched MQLs or credit in the quarter, plus one '(unattributed)' row for the
--   deals with no eligible touch, so the credited amounts add up to the quarter's pipeline and bookings;
--   company-wide (cost has no region or segment, so those filters do not apply)
-- kind: breakdown
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day, awareness_channels, backfill,
--   interest_window_days, interest_touches, sales_ready_personas, bought_lead_price, by_account, primary_credit,
--   lookback_hours, half_life_days, attribution_models, markov_channels, markov_effects
-- needs:
-- uses: lead_quality_by_channel
-- measures:
-- records:
-- columns:
--   channel: the channel ('(unattributed)': deals no campaign touched)
--   funnel_role: awareness or demand_gen (the channel's under the charter's mapping)
--   campaigns: its campaigns with cost in the quarter
--   cost: their cost falling in the quarter
--   mqls: MQLs of the quarter a campaign of the channel touched at or before their mql_at
--   sales_ready_mqls: of them, sales-ready
--   cost_per_sales_ready_lead: cost / sales_ready_mqls (empty without cost)
--   bought_lead_price: the benchmark price of a bought lead
--   attributed_pipeline: credited share of the pipeline created in the quarter, model of record
--   attributed_bookings: credited share of the bookings of the quarter, model of record
--   pipeline_roi: attributed_pipeline / cost
--   bookings_roi: attributed_bookings / cost
WITH costs AS (
  SELECT channel, count(*) FILTER (WHERE cost > 0) AS campaigns, coalesce(sum(cost), 0) AS cost
  FROM campaign_costs($quarter_first_day, $quarter_end_day) GROUP BY channel
),
quality AS (
  -- the quarter's MQLs a campaign of the channel touched at or before their mql_at, company-wide
  SELECT channel, mqls, sales_ready_mqls
  FROM metric_lead_quality_by_channel($quarter_start, $quarter_end, NULL, NULL, $backfill, $interest_window_days,
                                      $interest_touches, $sales_ready_personas)
),
credit AS (
  SELECT coalesce(c.channel, '(unattributed)') AS channel,
         sum(s.credited_amount) FILTER (WHERE NOT s.is_bookings) AS attributed_pipeline,
         sum(s.credited_amount) FILTER (WHERE s.is_bookings) AS attributed_bookings
  FROM (SELECT false AS is_bookings, campaign_id, credited_amount
        FROM model_shares(false, $by_account, $primary_credit, $quarter_start, $quarter_end, $lookback_hours,
                          $half_life_days, $attribution_models, $markov_channels, $markov_effects)
        UNION ALL
        SELECT true, campaign_id, credited_amount
        FROM model_shares(true, $by_account, $primary_credit, $quarter_start, $quarter_end, $lookback_hours,
                          $half_life_days, $attribution_models, $markov_channels, $markov_effects)) s
  LEFT JOIN campaigns c ON c.campaign_id = s.campaign_id
  GROUP BY ALL
),
channels AS (
  SELECT channel FROM costs UNION SELECT channel FROM quality UNION SELECT channel FROM credit
),
final AS (
  SELECT ch.channel,
         CASE WHEN ch.channel <> '(unattributed)' THEN campaign_role(NULL, ch.channel, $awareness_channels) END
           AS funnel_role,
         coalesce(k.campaigns, 0) AS campaigns, coalesce(k.cost, 0) AS cost,
         coalesce(q.mqls, 0) AS mqls, coalesce(q.sales_ready_mqls, 0) AS sales_ready_mqls,
         nullif(k.cost, 0) / nullif(q.sales_ready_mqls, 0) AS cost_per_sales_ready_lead,
         $bought_lead_price AS bought_lead_price,
         coalesce(cr.attributed_pipeline, 0) AS attributed_pipeline,
         coalesce(cr.attributed_bookings, 0) AS attributed_bookings,
         cr.attributed_pipeline / nullif(k.cost, 0) AS pipeline_roi,
         cr.attributed_bookings / nullif(k.cost, 0) AS bookings_roi
  FROM channels ch
  LEFT JOIN costs k ON k.channel = ch.channel
  LEFT JOIN quality q ON q.channel = ch.channel
  LEFT JOIN credit cr ON cr.channel = ch.channel
  WHERE ch.channel IS NOT NULL
    AND (coalesce(k.cost, 0) > 0 OR coalesce(q.mqls, 0) > 0 OR coalesce(cr.attributed_pipeline, 0) > 0
         OR coalesce(cr.attributed_bookings, 0) > 0)
  ORDER BY ch.channel = '(unattributed)', attributed_pipeline DESC, ch.channel
)
SELECT * FROM final
