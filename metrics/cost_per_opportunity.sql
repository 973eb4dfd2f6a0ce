-- name: cost_per_opportunity
-- title: Cost per opportunity
-- definition: What marketing spent in the quarter for each deal opened in the quarter.
-- unit: currency
-- owner: marketing
-- funnel_role: demand_gen
-- direction: down
-- pairs_with: cac
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply)
-- kind: headline
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day
-- needs: opportunities, spend
-- uses: marketing_spend, opportunities_created
-- measures: campaign_spend, campaigns, opportunity_facts
-- records: deals created
-- columns:
--   value: marketing spend / opportunities created in the quarter (empty when there is none)
--   marketing_spend: cost of every campaign falling in the quarter
--   deals: opportunities created in the quarter, in every region and segment
WITH spend AS (
  SELECT value AS marketing_spend FROM metric_marketing_spend($quarter_first_day, $quarter_end_day)
),
created AS (
  SELECT value AS deals FROM metric_opportunities_created($quarter_start, $quarter_end, NULL, NULL)
),
final AS (
  SELECT CAST(marketing_spend AS DOUBLE) / nullif(deals, 0) AS value, marketing_spend, deals FROM spend, created
)
SELECT * FROM final
