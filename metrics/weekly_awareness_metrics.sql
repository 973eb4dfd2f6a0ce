-- name: weekly_awareness_metrics
-- title: Weekly awareness numbers by channel
-- definition: The reach-type numbers each awareness channel reported (impressions, reach, site visits, branded
--   searches) in each week up to the end of the quarter.
-- unit: count
-- owner: marketing
-- funnel_role: awareness
-- direction: up
-- pairs_with: pipeline
-- grain: one row per week (starting Monday), channel and metric reported, every week before the quarter's end,
--   none when nothing was reported for the quarter itself; all regions together (the estimate is company-wide)
-- kind: breakdown
-- parameters: quarter_first_day, quarter_end_day
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   week_start: the Monday of the week the reported period starts in
--   channel: the channel, lower case
--   metric: the metric's name, lower case with spaces as underscores
--   value: the sum of the reported values
WITH reported AS (
  SELECT CAST(date_trunc('week', period_start) AS DATE) AS week_start, lower(trim(channel)) AS channel,
         replace(lower(trim(metric)), ' ', '_') AS metric, value
  FROM awareness_metrics
  WHERE period_start < $quarter_end_day
),
final AS (
  SELECT week_start, channel, metric, sum(value) AS value FROM reported
  WHERE EXISTS (SELECT 1 FROM awareness_metrics WHERE period_start >= $quarter_first_day
                                                  AND period_start < $quarter_end_day)
  GROUP BY ALL ORDER BY week_start, channel, metric
)
SELECT * FROM final
