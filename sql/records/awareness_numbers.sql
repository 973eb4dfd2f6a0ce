-- name: awareness_numbers
-- title: Awareness numbers
-- grain: one row per awareness number (period, channel, region, measure) whose period starts in the period
-- anchors: reported = awareness numbers reported
-- reads: awareness_metrics
-- parameters: quarter_first_day, quarter_end_day
-- columns:
--   "Period start": the first day of the period the number covers
--   "Channel": its channel
--   "Region": its region
--   "Measure": what it counts (impressions, reach, site visits, …) as the data wrote it
--   "Value": the number
WITH final AS (
  SELECT m.period_start AS "Period start", m.channel AS "Channel", m.region AS "Region", m.metric AS "Measure",
         m.value AS "Value"
  FROM awareness_metrics m
  WHERE m.period_start >= $quarter_first_day AND m.period_start < $quarter_end_day
  ORDER BY "Period start", "Channel", "Region", "Measure"
)
SELECT * FROM final
