-- name: pipeline_by_source
-- title: Pipeline and bookings by source category
-- definition: The quarter's new deals and won deals split by where they came from: marketing, sales, partners or
--   other.
-- unit: currency
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row per source category with a deal created or won in the quarter
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, source_names, source_categories
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   source_category: marketing, sales, partner or other (the deal's source after the fallback)
--   deals_created: opportunities created in the quarter
--   pipeline: their amount
--   won_deals: won opportunities closing in the quarter
--   bookings: their amount
WITH sourced AS (
  SELECT * FROM opportunity_sources($source_names, $source_categories)
  WHERE in_scope(region, segment, $region, $segment)
),
by_category AS (
  SELECT source_category,
         count(*) FILTER (WHERE created_at >= $quarter_start AND created_at < $quarter_end) AS deals_created,
         coalesce(sum(amount) FILTER (WHERE created_at >= $quarter_start AND created_at < $quarter_end), 0)
           AS pipeline,
         count(*) FILTER (WHERE is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end) AS won_deals,
         coalesce(sum(closed_amount) FILTER (WHERE is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end),
                  0)
           AS bookings
  FROM sourced GROUP BY source_category
),
final AS (
  SELECT * FROM by_category WHERE deals_created > 0 OR won_deals > 0
  ORDER BY list_position(['marketing', 'sales', 'partner', 'other'], source_category), source_category
)
SELECT * FROM final
