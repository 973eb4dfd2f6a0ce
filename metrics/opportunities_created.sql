-- name: opportunities_created
-- title: Opportunities created
-- definition: Deals opened in the quarter, counted as deals rather than people.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment
-- needs: opportunities
-- uses:
-- measures: opportunity_facts
-- records: deals created
-- columns:
--   value: opportunities whose created_at is in the quarter
WITH final AS (
  SELECT count(*) AS value FROM deals()
  WHERE created_at >= $quarter_start AND created_at < $quarter_end AND in_scope(region, segment, $region, $segment)
)
SELECT * FROM final
