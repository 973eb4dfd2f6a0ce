-- name: cac
-- title: Customer acquisition cost (CAC)
-- definition: What marketing spent in the quarter for each new customer won in the quarter.
-- unit: currency
-- owner: joint
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply)
-- kind: headline
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day
-- needs: opportunities, deal_accounts, spend
-- uses: marketing_spend, new_customers
-- measures: campaign_spend, campaigns, opportunity_facts
-- records: deals won; that were their account's first win; "Account's first win"
-- columns:
--   value: marketing spend / new customers (empty when no new customer was won)
--   marketing_spend: cost of every campaign falling in the quarter
--   new_customers: accounts whose earliest won close_date is in the quarter, in every region and segment
WITH spend AS (
  SELECT value AS marketing_spend FROM metric_marketing_spend($quarter_first_day, $quarter_end_day)
),
customers AS (
  SELECT value AS new_customers FROM metric_new_customers($quarter_start, $quarter_end, NULL, NULL)
),
final AS (
  SELECT CAST(marketing_spend AS DOUBLE) / nullif(new_customers, 0) AS value, marketing_spend, new_customers
  FROM spend, customers
)
SELECT * FROM final
