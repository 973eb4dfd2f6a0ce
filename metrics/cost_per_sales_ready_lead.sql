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
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day, backfill, interest_window_days,
--   interest_touches, sales_ready_personas
-- needs: people, mql_dates, target_accounts, personas, touches, spend
-- uses: marketing_spend, sales_ready_mqls
-- measures: campaign_spend, campaigns, person_stage_dates
-- records: people mql
-- columns:
--   value: marketing spend / sales-ready MQLs (empty when there is none)
--   marketing_spend: cost of every campaign falling in the quarter
--   sales_ready_mqls: MQLs of the quarter at a target account, with a decision persona and enough interest, in every
--     region and segment
WITH spend AS (
  SELECT value AS marketing_spend FROM metric_marketing_spend($quarter_first_day, $quarter_end_day)
),
ready AS (
  SELECT value AS sales_ready_mqls
  FROM metric_sales_ready_mqls($quarter_start, $quarter_end, NULL, NULL, $backfill, $interest_window_days,
                               $interest_touches, $sales_ready_personas)
),
final AS (
  SELECT CAST(marketing_spend AS DOUBLE) / nullif(sales_ready_mqls, 0) AS value, marketing_spend, sales_ready_mqls
  FROM spend, ready
)
SELECT * FROM final
