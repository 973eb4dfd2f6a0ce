-- name: forecast_open_deals
-- title: The open deals whose close date falls in the quarter (the pipeline that can still close in it), with their
--   current stage, when they entered it, their source category and the owner's forecast category
-- reads: opportunities, opportunity_stage_history, opportunity_sources, in_scope, name_key
-- writes:
-- parameters: quarter_start, quarter_end, region, segment, source_names, source_categories
-- columns:
--   opportunity_id: the deal
--   amount: its amount in the corporate currency (empty = 0), as counted in pipeline
--   stage: its current stage as the CRM wrote it
--   stage_key: that stage in its normal form (how stage history is matched to it)
--   stage_entered_at: when it last entered that stage (its stage history), else when it was opened
--   closed_at: the first instant of its close date
--   source_category: its source's category under the charter's map (marketing, sales, partner, other)
--   forecast_category: the owner's forecast category in its normal form (commit, best_case, pipeline …), empty when
--     the CRM gave none
WITH open_deals AS (
  SELECT f.opportunity_id, f.amount, o.stage, name_key(o.stage) AS stage_key, f.created_at, f.closed_at,
         f.source_category, name_key(o.forecast_category) AS forecast_category
  FROM opportunity_sources($source_names, $source_categories) f
  JOIN opportunities o USING (opportunity_id)
  WHERE NOT f.is_closed AND f.closed_at >= $quarter_start AND f.closed_at < $quarter_end
    AND in_scope(f.region, f.segment, $region, $segment)
),
entered AS (
  SELECT h.opportunity_id, max(h.entered_at) AS entered_at
  FROM opportunity_stage_history h JOIN open_deals d
    ON d.opportunity_id = h.opportunity_id AND name_key(h.stage) = d.stage_key
  GROUP BY h.opportunity_id
)
SELECT d.opportunity_id, d.amount, d.stage, d.stage_key, coalesce(e.entered_at, d.created_at) AS stage_entered_at,
       d.closed_at, d.source_category, d.forecast_category
FROM open_deals d LEFT JOIN entered e USING (opportunity_id)
ORDER BY d.opportunity_id
