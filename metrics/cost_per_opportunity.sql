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
-- parameters: quarter_start, quarter_end
-- needs: opportunities, spend
-- columns:
--   value: marketing spend / opportunities created in the quarter (empty when there is none)
--   marketing_spend: cost of every campaign falling in the quarter
--   deals: opportunities created in the quarter
WITH spend AS (
  SELECT coalesce(sum(cost), 0) AS marketing_spend FROM campaign_costs($quarter_start, $quarter_end)
),
created AS (
  SELECT count(*) AS deals FROM deals() WHERE created_at >= $quarter_start AND created_at < $quarter_end
),
final AS (
  SELECT CAST(marketing_spend AS DOUBLE) / nullif(deals, 0) AS value, marketing_spend, deals FROM spend, created
)
SELECT * FROM final
