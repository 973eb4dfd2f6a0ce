-- name: awareness_metrics
-- title: The demo company's awareness_metrics.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_date
-- writes:
-- parameters:
-- columns:
--   period_start: the period's first day
--   channel: the awareness channel
--   metric: impressions, reach, site visits or branded search
--   value: the number reported
--   region: the region
SELECT sf_date(week_day) AS period_start, channel, metric, value, region
FROM src
