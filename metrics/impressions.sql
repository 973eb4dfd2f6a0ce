-- name: impressions
-- title: Impressions
-- definition: How many times awareness channels showed our message in the quarter (ad and media impressions as
--   reported by each channel).
-- unit: count
-- owner: marketing
-- funnel_role: awareness
-- direction: up
-- pairs_with: pipeline
-- grain: one row for the quarter (awareness numbers carry a region but no segment)
-- kind: headline
-- parameters: quarter_first_day, quarter_end_day, region
-- needs: impressions
-- uses:
-- measures: awareness_metrics
-- records: awareness_numbers reported; impressions; replace(lower(trim("Measure")), ' ', '_') = 'impressions'
-- columns:
--   value: sum of the 'impressions' awareness numbers whose period starts in the quarter
WITH reported AS (
  SELECT value FROM awareness_metrics
  WHERE replace(lower(trim(metric)), ' ', '_') = 'impressions'
    AND period_start >= $quarter_first_day AND period_start < $quarter_end_day
    AND ($region IS NULL OR region = $region)
),
final AS (
  SELECT coalesce(sum(value), 0) AS value FROM reported
)
SELECT * FROM final
