-- name: marketing_sourced_bookings
-- title: Marketing-sourced bookings
-- definition: The value of the deals won in the quarter whose source is a marketing source (the deal's own lead
--   source, else its converted lead's, else its primary contact's).
-- unit: currency
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, source_names, source_categories
-- needs: opportunities, amounts, lead_sources
-- uses:
-- measures: opportunity_facts
-- records: deals won; sourced by marketing; "Source category" = 'marketing'
-- columns:
--   value: sum of amount of won opportunities closing in the quarter whose source category is marketing
--   won_deals: how many such opportunities
WITH won AS (
  SELECT * FROM opportunity_sources($source_names, $source_categories)
  WHERE is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end
    AND in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT coalesce(sum(closed_amount) FILTER (WHERE source_category = 'marketing'), 0) AS value,
         count(*) FILTER (WHERE source_category = 'marketing') AS won_deals
  FROM won
)
SELECT * FROM final
