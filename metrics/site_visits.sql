-- name: site_visits
-- title: Site visits
-- definition: How many visits our website received in the quarter, as reported by the web analytics channel.
-- unit: count
-- owner: marketing
-- funnel_role: awareness
-- direction: up
-- pairs_with: opportunities_created
-- grain: one row for the quarter (awareness numbers carry a region but no segment)
-- kind: headline
-- parameters: quarter_first_day, quarter_end_day, region
-- needs: site_visits
-- uses:
-- measures: awareness_metrics
-- records: awareness_numbers reported; site visits; replace(lower(trim("Measure")), ' ', '_') = 'site_visits'
-- columns:
--   value: sum of the 'site_visits' awareness numbers whose period starts in the quarter
WITH reported AS (
  SELECT value FROM awareness_metrics
  WHERE replace(lower(trim(metric)), ' ', '_') = 'site_visits'
    AND period_start >= $quarter_first_day AND period_start < $quarter_end_day
    AND ($region IS NULL OR region = $region)
),
final AS (
  SELECT coalesce(sum(value), 0) AS value FROM reported
)
SELECT * FROM final
