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
-- uses: marketing_sourced_pipeline, pipeline
-- measures: opportunity_facts
-- records: deals created
-- columns:
--   value: marketing-sourced pipeline / pipeline, as a fraction (empty when the pipeline is 0)
--   marketing_sourced_pipeline: sum of amount of the quarter's opportunities whose source category is marketing
--   pipeline: sum of amount of the quarter's opportunities
WITH sourced AS (
  SELECT value AS marketing_sourced_pipeline
  FROM metric_marketing_sourced_pipeline($quarter_start, $quarter_end, $region, $segment, $source_names,
                                         $source_categories)
),
created AS (
  SELECT value AS pipeline FROM metric_pipeline($quarter_start, $quarter_end, $region, $segment)
),
final AS (
  SELECT CAST(marketing_sourced_pipeline AS DOUBLE) / nullif(pipeline, 0) AS value, marketing_sourced_pipeline,
         pipeline
  FROM sourced, created
)
SELECT * FROM final
