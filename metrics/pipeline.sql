-- name: pipeline
-- title: Pipeline
-- definition: The total value of the deals opened in the quarter.
-- unit: currency
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment
-- needs: opportunities, amounts
-- uses:
-- measures: opportunity_facts
-- records: deals created
-- columns:
--   value: sum of amount (empty = 0) of opportunities created in the quarter
--   deals: how many opportunities were created in the quarter
WITH created AS (
  SELECT * FROM deals()
  WHERE created_at >= $quarter_start AND created_at < $quarter_end AND in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT coalesce(sum(amount), 0) AS value, count(*) AS deals FROM created
)
SELECT * FROM final
