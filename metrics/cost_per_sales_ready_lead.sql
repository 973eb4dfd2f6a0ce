-- name: cost_per_sales_ready_lead
-- title: Cost per sales-ready lead
-- definition: What marketing spent in the quarter for each sales-ready MQL of the quarter, to hold against the price
--   of a bought lead.
-- unit: currency
-- owner: marketing
-- funnel_role: demand_gen
-- direction: down
-- pairs_with: sals
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply)
-- kind: headline
-- parameters: quarter_start, quarter_end, backfill, interest_window_days, interest_touches, sales_ready_personas
-- needs: people, mql_dates, target_accounts, personas, touches, spend
-- columns:
--   value: marketing spend / sales-ready MQLs (empty when there is none)
--   marketing_spend: cost of every campaign falling in the quarter
--   sales_ready_mqls: MQLs of the quarter at a target account, with a decision persona and enough interest
WITH spend AS (
  SELECT coalesce(sum(cost), 0) AS marketing_spend FROM campaign_costs($quarter_start, $quarter_end)
),
ready AS (
  SELECT count(*) FILTER (WHERE is_sales_ready) AS sales_ready_mqls
  FROM period_mql_quality($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                          $sales_ready_personas)
),
final AS (
  SELECT CAST(marketing_spend AS DOUBLE) / nullif(sales_ready_mqls, 0) AS value, marketing_spend, sales_ready_mqls
  FROM spend, ready
)
SELECT * FROM final
