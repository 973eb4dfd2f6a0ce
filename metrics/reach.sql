-- name: reach
-- title: Reach
-- definition: How many people awareness channels reached in the quarter, as reported by each channel and added up
--   over channels and periods.
-- unit: count
-- owner: marketing
-- funnel_role: awareness
-- direction: up
-- pairs_with: pipeline
-- grain: one row for the quarter (awareness numbers carry a region but no segment)
-- kind: headline
-- parameters: quarter_first_day, quarter_end_day, region
-- needs: reach
-- uses:
-- measures: awareness_metrics
-- records: awareness_numbers reported; reach; replace(lower(trim("Measure")), ' ', '_') = 'reach'
-- columns:
--   value: sum of the 'reach' awareness numbers whose period starts in the quarter
WITH reported AS (
  SELECT value FROM awareness_metrics
  WHERE replace(lower(trim(metric)), ' ', '_') = 'reach'
    AND period_start >= $quarter_first_day AND period_start < $quarter_end_day
    AND ($region IS NULL OR region = $region)
),
final AS (
  SELECT coalesce(sum(value), 0) AS value FROM reported
)
SELECT * FROM final
