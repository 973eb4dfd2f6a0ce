-- name: campaign_results
-- title: Campaign results
-- definition: Each campaign of the quarter shown plainly (content, targeting, dates, channel, sales sponsor, cost)
--   beside what it produced: members, responses, MQLs, sales-ready MQLs, pipeline it influenced, and the pipeline
--   and bookings credited to it by the model of record.
-- unit: currency
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per campaign that runs in the quarter, has cost in it or is credited with its pipeline or
--   bookings; a program (the parent of other campaigns) with no cost and no members of its own is left out, its
--   campaigns are listed; company-wide (cost has no region or segment, so those filters do not apply)
-- kind: breakdown
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day, awareness_channels, backfill,
--   interest_window_days, interest_touches, sales_ready_personas, bought_lead_price, by_account, primary_credit,
--   lookback_hours, half_life_days, attribution_models, markov_channels, markov_effects
-- needs:
-- uses: lead_quality_by_campaign
-- measures:
-- records:
-- columns:
--   campaign_id: the campaign
--   campaign_name: its name
--   channel: its channel
--   funnel_role: awareness or demand_gen (its own, else its channel's)
--   objective: what it set out to do
--   content: what it offered
--   targeting: whom it was for
--   start_date: its first day
--   end_date: its last day
--   sales_sponsor: the sales sponsor's name (else id)
--   cost: its cost falling in the quarter
--   cost_basis: 'spend rows', 'actual cost' or 'budgeted cost' (flagged: no actual cost recorded)
--   members: memberships added in the quarter
--   responses: responded touches in the quarter
--   mqls: MQLs of the quarter it touched at or before their mql_at
--   sales_ready_mqls: of them, sales-ready
--   lead_quality: sales_ready_mqls / mqls
--   cost_per_sales_ready_lead: cost / sales_ready_mqls (empty without cost in the quarter)
--   bought_lead_price: the benchmark price of a bought lead
--   influenced_deals: opportunities created in the quarter with an eligible touch of this campaign
--   influenced_pipeline: their amount, whole (a deal influenced by several campaigns counts for each)
--   attributed_pipeline: its credited share of the pipeline created in the quarter, model of record
--   attributed_bookings: its credited share of the bookings of the quarter, model of record
--   pipeline_roi: attributed_pipeline / cost
--   bookings_roi: attributed_bookings / cost
--   runs_in_quarter: it runs on a day of the quarter or has cost in it (else it is listed for the credit it earns
--     from the quarter's deals through earlier touches)
WITH costs AS (
  SELECT campaign_id, cost_basis, cost FROM campaign_costs($quarter_first_day, $quarter_end_day)
),
memberships AS (
  SELECT campaign_id, count(*) AS all_members,
         count(*) FILTER (WHERE created_at >= $quarter_start AND created_at < $quarter_end) AS members
  FROM campaign_members GROUP BY campaign_id
),
responses AS (
  SELECT campaign_id, count(*) AS responses FROM touches
  WHERE touch_at >= $quarter_start AND touch_at < $quarter_end GROUP BY campaign_id
),
quality AS (
  -- the quarter's MQLs the campaign touched at or before their mql_at, company-wide
  SELECT campaign_id, mqls, sales_ready_mqls
  FROM metric_lead_quality_by_campaign($quarter_start, $quarter_end, NULL, NULL, $backfill, $interest_window_days,
                                       $interest_touches, $sales_ready_personas)
),
influenced AS (
  SELECT campaign_id, count(*) AS influenced_deals, sum(amount) AS influenced_pipeline
  FROM (SELECT DISTINCT campaign_id, opportunity_id, amount
        FROM eligible_touches(false, $by_account, $primary_credit, $quarter_start, $quarter_end, $lookback_hours))
  GROUP BY campaign_id
),
pipeline_credit AS (
  SELECT campaign_id, sum(credited_amount) AS attributed_pipeline
  FROM model_shares(false, $by_account, $primary_credit, $quarter_start, $quarter_end, $lookback_hours,
                    $half_life_days, $attribution_models, $markov_channels, $markov_effects)
  WHERE campaign_id IS NOT NULL GROUP BY campaign_id
),
bookings_credit AS (
  SELECT campaign_id, sum(credited_amount) AS attributed_bookings
  FROM model_shares(true, $by_account, $primary_credit, $quarter_start, $quarter_end, $lookback_hours,
                    $half_life_days, $attribution_models, $markov_channels, $markov_effects)
  WHERE campaign_id IS NOT NULL GROUP BY campaign_id
),
programs AS (
  SELECT DISTINCT parent_campaign_id AS campaign_id FROM campaigns WHERE parent_campaign_id IS NOT NULL
),
joined AS (
  SELECT c.campaign_id, c.name AS campaign_name, c.channel,
         campaign_role(c.funnel_role, c.channel, $awareness_channels) AS funnel_role, c.objective, c.content,
         c.targeting, c.start_date, c.end_date, coalesce(u.name, c.sales_sponsor_id) AS sales_sponsor,
         coalesce(k.cost, 0) AS cost, k.cost_basis,
         coalesce(ms.members, 0) AS members, coalesce(r.responses, 0) AS responses,
         coalesce(q.mqls, 0) AS mqls, coalesce(q.sales_ready_mqls, 0) AS sales_ready_mqls,
         coalesce(i.influenced_deals, 0) AS influenced_deals, coalesce(i.influenced_pipeline, 0) AS influenced_pipeline,
         coalesce(pc.attributed_pipeline, 0) AS attributed_pipeline,
         coalesce(bc.attributed_bookings, 0) AS attributed_bookings,
         coalesce(coalesce(c.start_date, c.end_date) < $quarter_end_day
                  AND coalesce(c.end_date, c.start_date) >= $quarter_first_day, false) AS is_active,
         p.campaign_id IS NOT NULL AND coalesce(k.cost, 0) = 0 AND coalesce(ms.all_members, 0) = 0 AS is_empty_program
  FROM campaigns c
  LEFT JOIN costs k ON k.campaign_id = c.campaign_id
  LEFT JOIN memberships ms ON ms.campaign_id = c.campaign_id
  LEFT JOIN responses r ON r.campaign_id = c.campaign_id
  LEFT JOIN quality q ON q.campaign_id = c.campaign_id
  LEFT JOIN influenced i ON i.campaign_id = c.campaign_id
  LEFT JOIN pipeline_credit pc ON pc.campaign_id = c.campaign_id
  LEFT JOIN bookings_credit bc ON bc.campaign_id = c.campaign_id
  LEFT JOIN programs p ON p.campaign_id = c.campaign_id
  LEFT JOIN users u ON u.user_id = c.sales_sponsor_id
),
final AS (
  SELECT campaign_id, campaign_name, channel, funnel_role, objective, content, targeting, start_date, end_date,
         sales_sponsor, cost, cost_basis, members, responses, mqls, sales_ready_mqls,
         CAST(sales_ready_mqls AS DOUBLE) / nullif(mqls, 0) AS lead_quality,
         nullif(cost, 0) / nullif(sales_ready_mqls, 0) AS cost_per_sales_ready_lead,
         $bought_lead_price AS bought_lead_price, influenced_deals, influenced_pipeline, attributed_pipeline,
         attributed_bookings, attributed_pipeline / nullif(cost, 0) AS pipeline_roi,
         attributed_bookings / nullif(cost, 0) AS bookings_roi, is_active OR cost > 0 AS runs_in_quarter
  FROM joined
  WHERE (is_active OR cost > 0 OR attributed_pipeline > 0 OR attributed_bookings > 0) AND NOT is_empty_program
  ORDER BY attributed_pipeline DESC, campaign_id
)
SELECT * FROM final
