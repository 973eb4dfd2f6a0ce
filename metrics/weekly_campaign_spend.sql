-- name: weekly_campaign_spend
-- title: Weekly campaign spend by channel
-- definition: What campaigns cost in each week up to the end of the quarter, by funnel role and channel, from their
--   spend rows, else their actual cost, else their budget, spread evenly over the days each campaign ran.
-- unit: currency
-- owner: marketing
-- funnel_role: awareness
-- direction: down
-- pairs_with: pipeline
-- grain: one row per week (starting Monday), funnel role and channel with any cost, every week before the
--   quarter's end, none when no cost falls in the quarter itself (campaign cost has no region or segment, so those
--   filters do not apply)
-- kind: breakdown
-- parameters: quarter_first_day, quarter_end_day, awareness_channels
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   week_start: the Monday the week starts on
--   funnel_role: awareness or demand_gen, the campaign's own or its channel's under the charter's mapping
--   channel: the campaigns' channel, lower case
--   spend: cost of the channel's campaigns in that role falling on the week's days before the quarter's end
--   cost_from_budget: the part of it taken from budgeted cost because no actual cost was recorded (flagged)
WITH roled_campaigns AS (
  SELECT campaign_id, campaign_role(funnel_role, channel, $awareness_channels) AS funnel_role,
         lower(trim(channel)) AS channel, actual_cost, budgeted_cost,
         coalesce(start_date, end_date) AS first_day, coalesce(end_date, start_date) AS last_day
  FROM corporate_campaigns()
),
spend_rows AS (
  -- A spend row covers the days up to the campaign's next row; its last row, up to the campaign's last day (a
  -- month when the campaign has no end date). Only the campaign's own days count, so a monthly row of a campaign
  -- that starts mid-month is not spread over days it did not run.
  SELECT c.campaign_id, c.funnel_role, c.channel, s.amount, 'spend rows' AS cost_basis,
         c.first_day AS campaign_first, c.last_day AS campaign_last, s.period_start AS period_first,
         coalesce(lead(s.period_start) OVER (PARTITION BY s.campaign_id ORDER BY s.period_start) - 1,
                  CASE WHEN c.last_day >= s.period_start THEN c.last_day END,
                  CAST(s.period_start + INTERVAL 1 MONTH AS DATE) - 1) AS period_last
  FROM corporate_spend() s JOIN roled_campaigns c USING (campaign_id)
),
spend_periods AS (
  SELECT campaign_id, funnel_role, channel, amount, cost_basis,
         -- Dates that contradict the campaign's own fall back to the row's period as recorded.
         CASE WHEN greatest(period_first, coalesce(campaign_first, period_first))
                   <= least(period_last, coalesce(campaign_last, period_last))
              THEN greatest(period_first, coalesce(campaign_first, period_first)) ELSE period_first END AS first_day,
         CASE WHEN greatest(period_first, coalesce(campaign_first, period_first))
                   <= least(period_last, coalesce(campaign_last, period_last))
              THEN least(period_last, coalesce(campaign_last, period_last)) ELSE period_last END AS last_day
  FROM spend_rows
),
whole_campaigns AS (
  SELECT campaign_id, funnel_role, channel, coalesce(actual_cost, budgeted_cost) AS amount,
         CASE WHEN actual_cost IS NOT NULL THEN 'actual cost' ELSE 'budgeted cost' END AS cost_basis,
         first_day, last_day
  FROM roled_campaigns
  WHERE campaign_id NOT IN (SELECT campaign_id FROM campaign_spend)
    AND coalesce(actual_cost, budgeted_cost) IS NOT NULL AND first_day IS NOT NULL AND last_day >= first_day
),
periods AS (
  SELECT * FROM spend_periods UNION ALL SELECT * FROM whole_campaigns
),
daily AS (
  SELECT funnel_role, channel, cost_basis, amount / (last_day - first_day + 1) AS cost,
         CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS day
  FROM periods
),
final AS (
  SELECT CAST(date_trunc('week', day) AS DATE) AS week_start, funnel_role, channel, sum(cost) AS spend,
         coalesce(sum(cost) FILTER (WHERE cost_basis = 'budgeted cost'), 0) AS cost_from_budget
  FROM daily
  WHERE day < $quarter_end_day
    AND EXISTS (SELECT 1 FROM daily WHERE day >= $quarter_first_day AND day < $quarter_end_day)
  GROUP BY ALL ORDER BY week_start, funnel_role, channel
)
SELECT * FROM final
