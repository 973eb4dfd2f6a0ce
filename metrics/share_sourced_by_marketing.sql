-- name: share_sourced_by_marketing
-- title: Share of pipeline sourced by marketing
-- definition: The part of the quarter's pipeline whose deals marketing sourced, by value.
-- unit: percent
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, source_names, source_categories
-- needs: opportunities, amounts, lead_sources
-- columns:
--   value: marketing-sourced pipeline / pipeline, as a fraction (empty when the pipeline is 0)
--   marketing_sourced_pipeline: sum of amount of the quarter's opportunities whose source category is marketing
--   pipeline: sum of amount of the quarter's opportunities
WITH created AS (
  SELECT * FROM opportunity_sources($source_names, $source_categories)
  WHERE created_at >= $quarter_start AND created_at < $quarter_end AND in_scope(region, segment, $region, $segment)
),
totals AS (
  SELECT coalesce(sum(amount) FILTER (WHERE source_category = 'marketing'), 0) AS marketing_sourced_pipeline,
         coalesce(sum(amount), 0) AS pipeline
  FROM created
),
final AS (
  SELECT CAST(marketing_sourced_pipeline AS DOUBLE) / nullif(pipeline, 0) AS value, marketing_sourced_pipeline,
         pipeline
  FROM totals
)
SELECT * FROM final
